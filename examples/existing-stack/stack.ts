/**
 * Adopting the library one construct at a time, in a stack that already runs a workload: the VPC
 * and the customer-managed KMS key exist (the network and security teams own them), and so does
 * the application's IAM role. Nothing here creates a VPC or a key; no facade (`BedrockPlatform`).
 *
 * What it adds to the stack:
 * - `BedrockPrivateLink` in the existing VPC's private subnets: a bedrock-runtime interface
 *   endpoint whose policy admits only the listed models, open on 443 to the application's
 *   existing security group only.
 * - `PolicyGuardrail` (the balanced preset), encrypted with the existing key, published as version 1.
 * - `BedrockEnforcement`: a managed policy that denies Bedrock calls not naming that guardrail
 *   version, and calls that do not come through the new endpoint.
 * - `BedrockInvokerPolicy`, granted to the existing application role (`grantInvoke`), which also
 *   gets the enforcement (`enforceOn`): invoke the listed models and apply the guardrail, nothing else.
 * - `BedrockMonitoring`: per-model and guardrail alarms to a new alert topic encrypted with the
 *   existing key, and the dashboards.
 *
 * What the key's owner must add to its policy (the library cannot read or edit an imported key's
 * policy): the alert topic is encrypted with the key and CloudWatch alarms publish to it, so the
 * policy must admit `cloudwatch.amazonaws.com` for kms:Decrypt and kms:GenerateDataKey*. `cdk synth`
 * says so in a warning at the key, `bedrock-secure-platform:keyPolicy`, that names the statement
 * (Sid `AllowCloudWatchAlarmsToPublishToEncryptedTopics`) and the construct that needs it
 * (`ExistingWorkload/BedrockMonitoring/Alerts`); `PlatformKey.consumerStatements(stack,
 * [KeyConsumer.CLOUDWATCH_ALARMS])` renders that statement as JSON to hand to the key's owner. Once
 * it is in the key policy, either list the consumer in `fromPlatformKeyAttributes({ consumers })`
 * (a need added later still warns) or, as below, acknowledge the warning at the key with the reason
 * (recorded in the assembly's metadata as `aws:cdk:acknowledged-rules`; it silences every later
 * need of this key too, so re-read the warning, by removing the acknowledgement, when you add
 * constructs). The guardrail and the invoker need no service statement in the key policy: Bedrock
 * uses the key with the caller's credentials (the deploying role, the application role's
 * DecryptGuardrailThroughBedrock), which a key policy delegates to IAM with its account-root statement.
 *
 * Fixed cost (us-east-1 list prices, as the synth summary prints them): about USD 23.80 a month:
 * the runtime endpoint in 2 AZs USD 14.60, 2 dashboards USD 6.00, 8 alarms over 32 metrics USD 3.20.
 * Usage comes on top: USD 0.01 per GB through the endpoint, the guardrail per text unit it
 * evaluates, the models per token. The topic, the policies and the security-group rule are free.
 */
import { App, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockModel, type IPlatformKey, KEY_POLICY_WARNING, PlatformKey } from '../../lib/core';
import { GuardrailPresets, PolicyGuardrail } from '../../lib/guardrails';
import { BedrockEnforcement, BedrockInvokerPolicy } from '../../lib/identity';
import { BedrockFeature, BedrockPrivateLink } from '../../lib/network';
import { BedrockMonitoring } from '../../lib/observability';

/** What already exists in the account; replace with your own values (or read them from context). */
export const EXISTING = {
  env: { account: '123456789012', region: 'us-east-1' },
  vpc: {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.20.0.0/16',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef1', 'subnet-0123456789abcdef2'],
    privateSubnetRouteTableIds: ['rtb-0123456789abcdef1', 'rtb-0123456789abcdef2'],
    privateSubnetIpv4CidrBlocks: ['10.20.0.0/24', '10.20.1.0/24'],
  } satisfies ec2.VpcAttributes,
  /** The security team's customer-managed key; its policy is theirs. */
  keyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  /** The application's role and the security group its tasks run in. */
  applicationRoleArn: 'arn:aws:iam::123456789012:role/orders-service',
  applicationSecurityGroupId: 'sg-0123456789abcdef0',
  models: ['amazon.nova-lite-v1:0', 'amazon.nova-pro-v1:0'],
  alertEmails: ['ml-platform-oncall@example.com'],
};

/** What the example builds, for the app and the tests. */
export interface ExistingStackExample {
  readonly stack: Stack;
  /** The existing key, imported. */
  readonly key: IPlatformKey;
  readonly link: BedrockPrivateLink;
  readonly guardrail: PolicyGuardrail;
  readonly enforcement: BedrockEnforcement;
  readonly invoker: BedrockInvokerPolicy;
  readonly monitoring: BedrockMonitoring;
}

export function buildExistingStackExample(app: App): ExistingStackExample {
  // Stands in for the stack you already have, with its workload in it.
  const stack = new Stack(app, 'ExistingWorkload', { env: EXISTING.env, description: 'Orders service, with governed access to Amazon Bedrock' });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'WorkloadVpc', EXISTING.vpc);
  const corporateKey = PlatformKey.fromPlatformKeyAttributes(stack, 'CorporateKey', { keyArn: EXISTING.keyArn });
  const applicationRole = iam.Role.fromRoleArn(stack, 'OrdersServiceRole', EXISTING.applicationRoleArn);
  const applicationGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'OrdersServiceSecurityGroup', EXISTING.applicationSecurityGroupId);
  const models = EXISTING.models.map((id) => BedrockModel.foundationModel(id));

  // 1. The private path into the existing VPC: only the application's tasks reach the endpoint.
  const link = new BedrockPrivateLink(stack, 'BedrockEndpoints', {
    vpc,
    features: [BedrockFeature.RUNTIME],
    models,
    clients: [applicationGroup],
  });

  // 2. The guardrail every call must name, encrypted with the existing key.
  const guardrail = new PolicyGuardrail(stack, 'Guardrail', { ...GuardrailPresets.balanced(), encryptionKey: corporateKey.key });

  // 3. The enforcement: no Bedrock call without the guardrail, none from outside the endpoint.
  const enforcement = new BedrockEnforcement(stack, 'Enforcement', {
    requireGuardrail: guardrail,
    requirePrivatePath: { vpcEndpointIds: link.bedrockEndpointIds },
  });

  // 4. The existing application role: the invoker permissions, and the enforcement's denies.
  const invoker = new BedrockInvokerPolicy(stack, 'OrdersServiceBedrockAccess', { models, guardrail });
  invoker.grantInvoke(applicationRole);
  enforcement.enforceOn(applicationRole);

  // 5. Alarms and dashboards for the models and the guardrail.
  const monitoring = new BedrockMonitoring(stack, 'BedrockMonitoring', {
    models,
    guardrails: [guardrail],
    alertEmails: EXISTING.alertEmails,
    encryptionKey: corporateKey.key,
  });

  // The key policy is owned elsewhere: its owner has added the statement the synth warning names
  // (PlatformKey.consumerStatements(stack, [KeyConsumer.CLOUDWATCH_ALARMS])), so it is acknowledged.
  Validations.of(corporateKey.key).acknowledge({
    id: `Annotation::${KEY_POLICY_WARNING}`,
    reason:
      'The security team added AllowCloudWatchAlarmsToPublishToEncryptedTopics (principal cloudwatch.amazonaws.com, kms:Decrypt and kms:GenerateDataKey*) to the corporate key policy in change SEC-1234, so the alarms can publish to the encrypted alert topic.',
  });

  new CfnOutput(stack, 'BedrockRuntimeEndpointId', { value: link.endpointId(BedrockFeature.RUNTIME) });
  new CfnOutput(stack, 'GuardrailArn', { value: guardrail.guardrailArn });
  return { stack, key: corporateKey, link, guardrail, enforcement, invoker, monitoring };
}
