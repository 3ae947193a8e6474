import { App, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AccessLogsBucket, KeyConsumer, PlatformKey, SecureBucket, SecureLogGroup } from '../../lib';
import { BedrockModel } from '../../lib/core';
import { BedrockAuditorRole, BedrockBuilderRole, BedrockEnforcement, BedrockInvokerRole, BedrockOperatorRole, PersonaTrust } from '../../lib/identity';

/** Resources the example's personas are scoped to; in a real platform the other constructs provide them. */
export const EXAMPLE = {
  env: { account: '123456789012', region: 'us-east-1' },
  guardrail: { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' },
  knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ',
  /**
   * The platform's Bedrock interface endpoints, one per feature the personas use: every one of them
   * must be in the private-path enforcement, or the calls through it are denied (the invoker's
   * Retrieve goes through agents-runtime, the builder's agent calls through bedrock-agent).
   */
  endpointIds: {
    runtime: 'vpce-0a1b2c3d4e5f60718',
    agentsRuntime: 'vpce-0b2c3d4e5f6071829',
    agents: 'vpce-0c3d4e5f607182930',
    controlPlane: 'vpce-0f1e2d3c4b5a69788',
  },
  embeddingModel: 'amazon.titan-embed-text-v2:0',
  chatProfile: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
};

/** What the example builds, for the app (which writes the SCP file) and the tests. */
export interface LeastPrivilegeAccess {
  readonly stack: Stack;
  readonly key: PlatformKey;
  readonly enforcement: BedrockEnforcement;
}

/**
 * Least-privilege access to a Bedrock platform: the four personas, federated sign-in, an existing
 * application role given the invoker permissions, the enforcement switches (as identity policies and
 * as an SCP), and the encrypted, TLS-only stores the auditor reads.
 */
export function buildLeastPrivilegeAccess(app: App): LeastPrivilegeAccess {
  const stack = new Stack(app, 'LeastPrivilegeAccess', { env: EXAMPLE.env, description: 'Bedrock platform: least-privilege personas, federation and enforcement' });
  // The stores below stand in for the ones the governance constructs make, so the key is told which
  // services write to them (a ModelInvocationLogging or BedrockAuditTrail would declare it itself).
  const key = new PlatformKey(stack, 'Key', { consumers: [KeyConsumer.BEDROCK, KeyConsumer.CLOUDTRAIL] });

  // Stores: Bedrock writes prompts to the invocation logs; CloudTrail writes to the audit bucket.
  // Kept when the stack goes (RETAIN), so CloudFormation names them: a fixed name would make the
  // next deploy after `cdk destroy` fail with "already exists".
  const accessLogs = new AccessLogsBucket(stack, 'AccessLogs').bucket;
  const invocationLogs = new SecureLogGroup(stack, 'InvocationLogs', { encryptionKey: key.key });
  const invocationPayloads = new SecureBucket(stack, 'InvocationPayloads', { encryptionKey: key.key, accessLogsBucket: accessLogs });
  const auditRecords = new SecureBucket(stack, 'AuditRecords', { encryptionKey: key.key, accessLogsBucket: accessLogs });
  const auditLogs = new SecureLogGroup(stack, 'AuditLogs', { encryptionKey: key.key });

  // Guardrail required, private endpoints required, Bedrock called from us-east-1 only (requests the
  // us. profile routes to other US Regions keep working).
  const enforcement = new BedrockEnforcement(stack, 'Enforcement', {
    requireGuardrail: EXAMPLE.guardrail,
    guardrailExemptModels: [BedrockModel.foundationModel(EXAMPLE.embeddingModel)],
    requirePrivatePath: { vpcEndpointIds: Object.values(EXAMPLE.endpointIds) },
    dataResidency: { allowedRegions: ['us-east-1'] },
    scpExemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
  });

  // Identity providers and service roles that already exist in the account.
  const workforce = iam.SamlProvider.fromSamlProviderArn(stack, 'WorkforceIdp', 'arn:aws:iam::123456789012:saml-provider/CorporateIdP');
  const pipelines = iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn(stack, 'PipelineIdp', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com');
  const knowledgeBaseRole = iam.Role.fromRoleArn(stack, 'KnowledgeBaseServiceRole', 'arn:aws:iam::123456789012:role/bedrock-kb-service');

  const invoker = new BedrockInvokerRole(stack, 'Invoker', {
    trust: PersonaTrust.service('lambda.amazonaws.com'),
    models: [EXAMPLE.embeddingModel, EXAMPLE.chatProfile].map((id) => BedrockModel.parse(id)),
    guardrail: { ...EXAMPLE.guardrail, encryptionKey: key.key },
    knowledgeBaseArns: [EXAMPLE.knowledgeBaseArn],
    encryptionKey: key.key,
    enforcement,
  });
  // An application role that exists already gets the same scoped access, and the same denies.
  const ordersService = iam.Role.fromRoleArn(stack, 'OrdersServiceRole', 'arn:aws:iam::123456789012:role/orders-service');
  invoker.permissions.grantInvoke(ordersService);
  enforcement.enforceOn(ordersService);

  new BedrockBuilderRole(stack, 'Builder', {
    trust: PersonaTrust.saml(workforce),
    maxSessionDuration: Duration.hours(8),
    serviceRoles: [knowledgeBaseRole],
    encryptionKey: key.key,
    enforcement,
  });
  new BedrockOperatorRole(stack, 'Operator', {
    trust: PersonaTrust.accounts(['123456789012'], { maxMfaAge: Duration.hours(1) }),
    provisionableModels: [BedrockModel.foundationModel('anthropic.claude-3-haiku-20240307-v1:0')],
    // Invocation logging stays with the deployment role: the operator reads it only.
    alarmNamePrefix: 'bedrock-',
    enforcement,
  });
  new BedrockAuditorRole(stack, 'Auditor', {
    trust: PersonaTrust.saml(workforce),
    maxSessionDuration: Duration.hours(4),
    auditBuckets: [auditRecords.bucket],
    auditLogGroups: [auditLogs],
    invocationLogGroups: [invocationLogs],
    invocationLogBuckets: [invocationPayloads.bucket],
    enforcement,
  });
  // Release pipelines deploy with an OIDC identity scoped to one repository and branch.
  new BedrockBuilderRole(stack, 'ReleasePipeline', {
    trust: PersonaTrust.oidc(pipelines, { audiences: ['sts.amazonaws.com'], subjects: ['repo:example-org/bedrock-app:ref:refs/heads/main'] }),
    serviceRoles: [knowledgeBaseRole],
    encryptionKey: key.key,
  });
  return { stack, key, enforcement };
}
