/**
 * AWS service endpoints that a construct's in-VPC Lambda functions call. On a private path (no NAT,
 * no internet route) the network must provide each one, or the function times out.
 */
export enum SupportEndpoint {
  /** S3 gateway endpoint: also carries CloudFormation custom-resource responses (pre-signed S3 URLs). */
  S3 = 's3',
  LOGS = 'logs',
  KMS = 'kms',
  STS = 'sts',
  SNS = 'sns',
  CLOUDWATCH = 'monitoring',
  EVENTBRIDGE = 'events',
  /** Bedrock control plane (`bedrock`). */
  BEDROCK = 'bedrock',
  /** Bedrock runtime (`bedrock-runtime`). */
  BEDROCK_RUNTIME = 'bedrock-runtime',
}

/** Implemented by constructs whose Lambda functions run in a VPC: what they need to reach. */
export interface IVpcEndpointConsumer {
  /** The endpoints the construct's functions call. */
  readonly requiredEndpoints: readonly SupportEndpoint[];
}
