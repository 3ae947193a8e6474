import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

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
  /**
   * Resources that use those endpoints while CloudFormation creates, updates or deletes them
   * (custom resources): whoever provides the endpoints makes these depend on them, so they are
   * created after the endpoints and deleted before them.
   * @default none: nothing of the consumer runs while CloudFormation deploys it
   */
  readonly endpointDependents?: readonly IConstruct[];
}

/**
 * Template metadata key on a custom resource whose function runs in a VPC: the endpoints it needs.
 * The library's pre-deploy checks read it to verify that the resource depends on those endpoints.
 */
export const REQUIRED_ENDPOINTS_METADATA = 'BedrockPlatform:RequiredEndpoints';

/**
 * Template metadata key on such a custom resource: the required endpoints that exist outside the
 * stack (imported), which were there before it and outlive it, so no dependency is needed.
 */
export const EXTERNAL_ENDPOINTS_METADATA = 'BedrockPlatform:ExternalEndpoints';

/** Records on `resource`'s CloudFormation resource which endpoints it needs (see {@link REQUIRED_ENDPOINTS_METADATA}). */
export function recordRequiredEndpoints(resource: IConstruct, endpoints: readonly SupportEndpoint[]): void {
  if (endpoints.length === 0) return;
  const cfn = resource instanceof CfnResource ? resource : resource.node.defaultChild;
  if (cfn instanceof CfnResource) cfn.addMetadata(REQUIRED_ENDPOINTS_METADATA, [...endpoints]);
}

/** Records on `resource`'s CloudFormation resource that `endpoint` is provided by an endpoint outside the stack. */
export function recordExternalEndpoint(resource: IConstruct, endpoint: SupportEndpoint): void {
  const cfn = resource instanceof CfnResource ? resource : resource.node.defaultChild;
  if (!(cfn instanceof CfnResource)) return;
  const known = (cfn.getMetadata(EXTERNAL_ENDPOINTS_METADATA) as SupportEndpoint[] | undefined) ?? [];
  if (!known.includes(endpoint)) cfn.addMetadata(EXTERNAL_ENDPOINTS_METADATA, [...known, endpoint]);
}
