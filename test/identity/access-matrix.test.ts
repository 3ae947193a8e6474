import { CfnElement, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PlatformKey, SecureBucket, SecureLogGroup } from '../../lib';
import {
  BedrockAuditorRole,
  BedrockBuilderRole,
  BedrockEnforcement,
  BedrockInvokerPolicy,
  BedrockInvokerRole,
  BedrockOperatorRole,
  PersonaTrust,
} from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { GEOGRAPHY_REGIONS, InferenceGeography } from '../../lib/core/inference-geographies';
import { decide, IamRequest, PolicyJson } from '../kit/iam';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { resolveIntrinsics } from '../kit/intrinsics';
import { synthesize } from '../kit/synth';
import { identityPoliciesOf } from './policies';

/*
 * The allow/deny matrix of the personas and enforcement switches, evaluated by a real IAM policy
 * evaluator (iam-simulate) against the policies as SYNTHESIZED: managed policies read from the
 * template, intrinsics resolved, the SCP taken from the construct's JSON output.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const arn = (service: string, region: string, resource: string, account = ENV.account) => `arn:aws:${service}:${region}:${account}:${resource}`;
const KEY = arn('kms', 'us-east-1', 'key/1234abcd-12ab-34cd-56ef-1234567890ab');
const GUARDRAIL = arn('bedrock', 'us-east-1', 'guardrail/abc123def456');
const GUARDRAIL_ID = `${GUARDRAIL}:3`;
const KB = arn('bedrock', 'us-east-1', 'knowledge-base/ABCDEFGHIJ');
const ENDPOINT = 'vpce-0123456789abcdef0';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const EMBED = 'amazon.titan-embed-text-v2:0';
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const profile = (region: string, id = `us.${CLAUDE}`) => arn('bedrock', region, `inference-profile/${id}`);
const INVOCATION_BUCKET = 'arn:aws:s3:::invocation-logs';
const AUDIT_BUCKET = 'arn:aws:s3:::audit-trail';
const INVOCATION_LOGS = arn('logs', 'us-east-1', 'log-group:/bedrock/invocations:*');

const ids: Record<string, string> = {};
let scpJson = '';
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Access', { env: ENV });
  const key = new PlatformKey(stack, 'Key');
  const invocationLogs = new SecureLogGroup(stack, 'InvocationLogs', { encryptionKey: key.key });
  const invocationBucket = new SecureBucket(stack, 'InvocationBucket', { encryptionKey: key.key });
  const auditBucket = new SecureBucket(stack, 'AuditBucket', { encryptionKey: key.key });
  const auditLogs = new SecureLogGroup(stack, 'AuditLogs', { encryptionKey: key.key });
  const guardrail = { guardrailArn: GUARDRAIL, guardrailVersion: '3', encryptionKey: key.key };
  const models = [EMBED, `us.${CLAUDE}`].map((id) => BedrockModel.parse(id));
  const enforcement = new BedrockEnforcement(stack, 'Enforcement', {
    requireGuardrail: guardrail,
    guardrailExemptModels: [BedrockModel.foundationModel(EMBED)],
    requirePrivatePath: { vpcEndpointIds: [ENDPOINT] },
    dataResidency: { allowedRegions: ['us-east-1'] },
    scpExemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass'],
  });
  scpJson = enforcement.serviceControlPolicyJson();
  const saml = iam.SamlProvider.fromSamlProviderArn(stack, 'Idp', 'arn:aws:iam::123456789012:saml-provider/Corp');
  const kbRole = new iam.Role(stack, 'KnowledgeBaseServiceRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });
  const loggingRole = new iam.Role(stack, 'InvocationLoggingRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });

  const roles = {
    invoker: new BedrockInvokerRole(stack, 'Invoker', { trust: PersonaTrust.service('lambda.amazonaws.com'), models, guardrail, knowledgeBaseArns: [KB], encryptionKey: key.key, enforcement }).role,
    unenforced: new BedrockInvokerRole(stack, 'UnenforcedInvoker', { trust: PersonaTrust.service('ecs-tasks.amazonaws.com'), models, guardrail }).role,
    builder: new BedrockBuilderRole(stack, 'Builder', { trust: PersonaTrust.saml(saml), serviceRoles: [kbRole], encryptionKey: key.key }).role,
    operator: new BedrockOperatorRole(stack, 'Operator', { trust: PersonaTrust.accounts(['123456789012']), provisionableModels: [BedrockModel.foundationModel('anthropic.claude-3-haiku-20240307-v1:0')], invocationLoggingRole: loggingRole, alarmNamePrefix: 'bedrock-' }).role,
    auditor: new BedrockAuditorRole(stack, 'Auditor', { trust: PersonaTrust.saml(saml), auditBuckets: [auditBucket.bucket], auditLogGroups: [auditLogs], invocationLogGroups: [invocationLogs], invocationLogBuckets: [invocationBucket.bucket] }).role,
    payloadAuditor: new BedrockAuditorRole(stack, 'PayloadAuditor', { trust: PersonaTrust.saml(saml), invocationLogGroups: [invocationLogs], invocationLogBuckets: [invocationBucket.bucket], allowPromptPayloads: true }).role,
    // An application role that already exists, given the invoker permissions with grantInvoke.
    existing: new iam.Role(stack, 'ExistingAppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }),
  };
  new BedrockInvokerPolicy(stack, 'AppInvoke', { models: [BedrockModel.foundationModel(EMBED)] }).grantInvoke(roles.existing);
  for (const [name, role] of Object.entries(roles)) ids[name] = stack.getLogicalId(role.node.defaultChild as CfnElement);
  ids.key = stack.getLogicalId(key.key.node.defaultChild as CfnElement);
  ids.invocationBucket = stack.getLogicalId(invocationBucket.bucket.node.defaultChild as CfnElement);
  ids.auditBucket = stack.getLogicalId(auditBucket.bucket.node.defaultChild as CfnElement);
  ids.invocationLogs = stack.getLogicalId(invocationLogs.node.defaultChild as CfnElement);
  ids.auditLogs = stack.getLogicalId(auditLogs.node.defaultChild as CfnElement);
  ids.kbRole = stack.getLogicalId(kbRole.node.defaultChild as CfnElement);
  ids.loggingRole = stack.getLogicalId(loggingRole.node.defaultChild as CfnElement);
});

const env = () => ({
  ...ENV,
  refs: { [ids.invocationLogs]: '/bedrock/invocations', [ids.auditLogs]: '/platform/cloudtrail' },
  attributes: {
    [`${ids.key}.Arn`]: KEY,
    [`${ids.invocationBucket}.Arn`]: INVOCATION_BUCKET,
    [`${ids.auditBucket}.Arn`]: AUDIT_BUCKET,
    [`${ids.invocationLogs}.Arn`]: INVOCATION_LOGS,
    [`${ids.kbRole}.Arn`]: 'arn:aws:iam::123456789012:role/kb-service',
    [`${ids.loggingRole}.Arn`]: 'arn:aws:iam::123456789012:role/invocation-logging',
  },
});
const policiesOf = (persona: string): PolicyJson[] => identityPoliciesOf(synth.json.Access, ids[persona], env());
/** KMS needs its key policy too (the root statement delegates to IAM): evaluate with the synthesized one. */
const resourcePolicyFor = (action: string): PolicyJson | undefined =>
  action.startsWith('kms:') ? resolveIntrinsics(synth.json.Access.Resources[ids.key].Properties.KeyPolicy, env()) : undefined;
const principal = (persona: string) => `arn:aws:iam::123456789012:role/${persona}`;

/** Request context of a call made in `region` through the platform endpoint. */
const privateCall = (region = 'us-east-1', extra: Record<string, string> = {}) => ({ 'aws:RequestedRegion': region, 'aws:SourceVpce': ENDPOINT, ...extra });
const guarded = (region = 'us-east-1', extra: Record<string, string> = {}) => privateCall(region, { 'bedrock:GuardrailIdentifier': GUARDRAIL_ID, ...extra });

type Case = [persona: string, description: string, request: Omit<IamRequest, 'principal'>, expected: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied'];

const usRegions = GEOGRAPHY_REGIONS[InferenceGeography.US];
const cases: Case[] = [
  // Invoker, with every enforcement switch on.
  ['invoker', 'invokes the allowed embedding model (exempt from the guardrail) through the endpoint', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED), context: privateCall() }, 'Allowed'],
  ['invoker', 'invokes the allowed profile with the platform guardrail (Converse is authorized the same way)', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: guarded() }, 'Allowed'],
  ['invoker', 'streams from the allowed profile with the platform guardrail', { action: 'bedrock:InvokeModelWithResponseStream', resource: profile('us-east-1'), context: guarded() }, 'Allowed'],
  // The source Region's leg is the caller's own request (through the endpoint); the other legs are
  // Bedrock's routed requests, which carry the profile ARN.
  ...usRegions.map((region): Case => [
    'invoker',
    `cross-Region profile: the request routed to ${region} is allowed`,
    {
      action: 'bedrock:InvokeModel',
      resource: fm(region, CLAUDE),
      context: { ...(region === 'us-east-1' ? { 'aws:SourceVpce': ENDPOINT } : {}), 'aws:RequestedRegion': region, 'bedrock:InferenceProfileArn': profile('us-east-1'), 'bedrock:GuardrailIdentifier': GUARDRAIL_ID },
    },
    'Allowed',
  ]),
  ['invoker', 'cannot invoke the profile model directly in another Region (not through the profile)', { action: 'bedrock:InvokeModel', resource: fm('us-west-2', CLAUDE), context: guarded('us-west-2') }, 'ExplicitlyDenied'],
  ['invoker', 'cannot invoke a model that is not allowed', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', 'anthropic.claude-3-opus-20240229-v1:0'), context: guarded() }, 'ImplicitlyDenied'],
  ['invoker', 'is denied without the guardrail identifier (enforcement on)', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: privateCall() }, 'ExplicitlyDenied'],
  ['invoker', 'is denied with another version of the guardrail', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: privateCall('us-east-1', { 'bedrock:GuardrailIdentifier': `${GUARDRAIL}:2` }) }, 'ExplicitlyDenied'],
  ['invoker', 'is denied outside the endpoint (private path required)', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: { 'aws:RequestedRegion': 'us-east-1', 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'ExplicitlyDenied'],
  ['invoker', 'is denied through a VPC endpoint that is not the platform one', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: guarded('us-east-1', { 'aws:SourceVpce': 'vpce-0fffffffffffffff0' }) }, 'ExplicitlyDenied'],
  ['invoker', 'model call a knowledge base makes on its behalf (aws:ViaAWSService) passes the private path', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: { 'aws:RequestedRegion': 'us-east-1', 'aws:ViaAWSService': 'true', 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'Allowed'],
  ['invoker', 'residency: an eu. profile routed to eu-west-1 is denied (another geography)', { action: 'bedrock:InvokeModel', resource: fm('eu-west-1', CLAUDE), context: { 'aws:RequestedRegion': 'eu-west-1', 'bedrock:InferenceProfileArn': profile('eu-west-1', `eu.${CLAUDE}`), 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'ExplicitlyDenied'],
  ['invoker', 'cannot create provisioned throughput', { action: 'bedrock:CreateProvisionedModelThroughput', resource: fm('us-east-1', CLAUDE), context: privateCall() }, 'ImplicitlyDenied'],
  ['invoker', 'cannot change invocation logging', { action: 'bedrock:PutModelInvocationLoggingConfiguration', resource: '*', context: privateCall() }, 'ImplicitlyDenied'],
  ['invoker', 'applies the platform guardrail', { action: 'bedrock:ApplyGuardrail', resource: GUARDRAIL, context: privateCall() }, 'Allowed'],
  ['invoker', 'cannot apply another guardrail', { action: 'bedrock:ApplyGuardrail', resource: arn('bedrock', 'us-east-1', 'guardrail/zzz999zzz999'), context: privateCall() }, 'ImplicitlyDenied'],
  ['invoker', 'retrieves from the platform knowledge base', { action: 'bedrock:Retrieve', resource: KB, context: privateCall() }, 'Allowed'],
  ['invoker', 'cannot retrieve from another knowledge base', { action: 'bedrock:Retrieve', resource: arn('bedrock', 'us-east-1', 'knowledge-base/ZZZZZZZZZZ'), context: privateCall() }, 'ImplicitlyDenied'],
  ['invoker', 'decrypts with the platform key through Bedrock', { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com' } }, 'Allowed'],
  ['invoker', 'cannot use the platform key directly', { action: 'kms:Decrypt', resource: KEY }, 'ImplicitlyDenied'],
  ['unenforced', 'without enforcement, the guardrail identifier is not required', { action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: { 'aws:RequestedRegion': 'us-east-1' } }, 'Allowed'],
  ['existing', 'an existing role given grantInvoke invokes the granted model', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED) }, 'Allowed'],
  ['existing', 'an existing role given grantInvoke cannot invoke other models', { action: 'bedrock:InvokeModel', resource: profile('us-east-1') }, 'ImplicitlyDenied'],

  // Builder.
  ['builder', 'creates a knowledge base', { action: 'bedrock:CreateKnowledgeBase', resource: '*' }, 'Allowed'],
  ['builder', 'updates a guardrail of the account', { action: 'bedrock:UpdateGuardrail', resource: GUARDRAIL }, 'Allowed'],
  ['builder', 'starts an ingestion job', { action: 'bedrock:StartIngestionJob', resource: KB }, 'Allowed'],
  ['builder', 'cannot update a guardrail of another account', { action: 'bedrock:UpdateGuardrail', resource: arn('bedrock', 'us-east-1', 'guardrail/abc123def456', '999999999999') }, 'ImplicitlyDenied'],
  ['builder', 'cannot delete the invocation-logging configuration', { action: 'bedrock:DeleteModelInvocationLoggingConfiguration', resource: '*' }, 'ExplicitlyDenied'],
  ['builder', 'cannot buy provisioned throughput', { action: 'bedrock:CreateProvisionedModelThroughput', resource: fm('us-east-1', CLAUDE) }, 'ExplicitlyDenied'],
  ['builder', 'passes the knowledge-base service role to Bedrock', { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/kb-service', context: { 'iam:PassedToService': 'bedrock.amazonaws.com' } }, 'Allowed'],
  ['builder', 'cannot pass the service role to another service', { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/kb-service', context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }, 'ImplicitlyDenied'],
  ['builder', 'lets Bedrock hold a grant on the platform key', { action: 'kms:CreateGrant', resource: KEY, context: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com', 'kms:GrantIsForAWSResource': 'true' } }, 'Allowed'],
  ['builder', 'cannot invoke models', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED) }, 'ImplicitlyDenied'],

  // Operator.
  ['operator', 'buys provisioned throughput for an allowed model', { action: 'bedrock:CreateProvisionedModelThroughput', resource: fm('us-east-1', 'anthropic.claude-3-haiku-20240307-v1:0') }, 'Allowed'],
  ['operator', 'cannot buy provisioned throughput for another model', { action: 'bedrock:CreateProvisionedModelThroughput', resource: fm('us-east-1', CLAUDE) }, 'ImplicitlyDenied'],
  ['operator', 'reads the invocation-logging configuration', { action: 'bedrock:GetModelInvocationLoggingConfiguration', resource: '*' }, 'Allowed'],
  ['operator', 'cannot write the invocation-logging configuration (the deployment owns it without the opt-in)', { action: 'bedrock:PutModelInvocationLoggingConfiguration', resource: '*' }, 'ExplicitlyDenied'],
  ['operator', 'cannot pass the logging role without the opt-in', { action: 'iam:PassRole', resource: 'arn:aws:iam::123456789012:role/invocation-logging', context: { 'iam:PassedToService': 'bedrock.amazonaws.com' } }, 'ImplicitlyDenied'],
  ['operator', 'manages platform alarms', { action: 'cloudwatch:PutMetricAlarm', resource: arn('cloudwatch', 'us-east-1', 'alarm:bedrock-throttles') }, 'Allowed'],
  ['operator', 'cannot change other alarms', { action: 'cloudwatch:DeleteAlarms', resource: arn('cloudwatch', 'us-east-1', 'alarm:billing') }, 'ImplicitlyDenied'],
  ['operator', 'cannot silence an audit alarm, even under its own prefix', { action: 'cloudwatch:DisableAlarmActions', resource: arn('cloudwatch', 'us-east-1', 'alarm:bedrock-audit-invocation-logs') }, 'ExplicitlyDenied'],
  ['operator', 'cannot invoke models', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED) }, 'ExplicitlyDenied'],

  // Auditor.
  ['auditor', 'reads the invocation-logging configuration', { action: 'bedrock:GetModelInvocationLoggingConfiguration', resource: '*' }, 'Allowed'],
  ['auditor', 'reads a guardrail', { action: 'bedrock:GetGuardrail', resource: GUARDRAIL }, 'Allowed'],
  ['auditor', 'looks up CloudTrail events', { action: 'cloudtrail:LookupEvents', resource: '*' }, 'Allowed'],
  ['auditor', 'reads the audit bucket', { action: 's3:GetObject', resource: `${AUDIT_BUCKET}/AWSLogs/123456789012/CloudTrail/x.json.gz` }, 'Allowed'],
  ['auditor', 'decrypts audit objects through S3', { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }, 'Allowed'],
  ['auditor', 'cannot read prompt payloads in the invocation bucket', { action: 's3:GetObject', resource: `${INVOCATION_BUCKET}/AWSLogs/123456789012/BedrockModelInvocationLogs/x.json.gz` }, 'ExplicitlyDenied'],
  ['auditor', 'cannot query the invocation log group', { action: 'logs:FilterLogEvents', resource: INVOCATION_LOGS.replace(/:\*$/, '') }, 'ExplicitlyDenied'],
  ['auditor', 'queries the audit log group', { action: 'logs:StartQuery', resource: arn('logs', 'us-east-1', 'log-group:/platform/cloudtrail') }, 'Allowed'],
  ['auditor', 'reads a stream of the audit log group', { action: 'logs:GetLogEvents', resource: arn('logs', 'us-east-1', 'log-group:/platform/cloudtrail:log-stream:123456789012_CloudTrail_us-east-1') }, 'Allowed'],
  ['auditor', 'cannot read a stream of the invocation log group', { action: 'logs:GetLogEvents', resource: arn('logs', 'us-east-1', 'log-group:/bedrock/invocations:log-stream:aws/bedrock/modelinvocations') }, 'ExplicitlyDenied'],
  ['auditor', 'cannot invoke models', { action: 'bedrock:InvokeModel', resource: fm('us-east-1', EMBED) }, 'ExplicitlyDenied'],
  ['auditor', 'cannot change a guardrail', { action: 'bedrock:UpdateGuardrail', resource: GUARDRAIL }, 'ImplicitlyDenied'],
  ['payloadAuditor', 'queries the invocation log group when explicitly granted', { action: 'logs:FilterLogEvents', resource: arn('logs', 'us-east-1', 'log-group:/bedrock/invocations') }, 'Allowed'],
  ['payloadAuditor', 'reads prompt payloads when explicitly granted', { action: 's3:GetObject', resource: `${INVOCATION_BUCKET}/AWSLogs/123456789012/BedrockModelInvocationLogs/x.json.gz` }, 'Allowed'],
];

describe('persona access matrix (synthesized policies, real IAM evaluation)', () => {
  test('the matrix is large enough to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  test.each(cases)('%s %s', async (persona, _description, request, expected) => {
    const policies = { identity: policiesOf(persona), resource: resourcePolicyFor(request.action) };
    expect(await decide({ principal: principal(persona), ...request }, policies)).toBe(expected);
  });
});

describe('enforcement as a Service Control Policy', () => {
  // A principal whose own policies allow everything: only the SCP can stop it.
  const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
  const scp = () => JSON.parse(scpJson) as PolicyJson;
  const scpCases: Array<[string, IamRequest, string]> = [
    ['allows a guarded call through the endpoint', { principal: principal('app'), action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: guarded() }, 'Allowed'],
    ['denies a call without the guardrail', { principal: principal('app'), action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: privateCall() }, 'ExplicitlyDenied'],
    ['denies a call from outside the endpoint', { principal: principal('app'), action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: { 'aws:RequestedRegion': 'us-east-1', 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'ExplicitlyDenied'],
    ['denies control-plane calls from outside the endpoint too', { principal: principal('app'), action: 'bedrock:CreateKnowledgeBase', resource: '*', context: { 'aws:RequestedRegion': 'us-east-1' } }, 'ExplicitlyDenied'],
    ['allows a routed cross-Region request of the same geography', { principal: principal('app'), action: 'bedrock:InvokeModel', resource: fm('us-east-2', CLAUDE), context: { 'aws:RequestedRegion': 'us-east-2', 'bedrock:InferenceProfileArn': profile('us-east-1'), 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'Allowed'],
    ['denies a direct call in another Region', { principal: principal('app'), action: 'bedrock:ListFoundationModels', resource: '*', context: { 'aws:RequestedRegion': 'eu-west-1', 'aws:SourceVpce': ENDPOINT } }, 'ExplicitlyDenied'],
    ['denies a request routed by an eu. profile', { principal: principal('app'), action: 'bedrock:InvokeModel', resource: fm('eu-central-1', CLAUDE), context: { 'aws:RequestedRegion': 'eu-central-1', 'bedrock:InferenceProfileArn': profile('eu-west-1', `eu.${CLAUDE}`), 'bedrock:GuardrailIdentifier': GUARDRAIL_ID } }, 'ExplicitlyDenied'],
    ['leaves the break-glass role out', { principal: principal('BreakGlass'), action: 'bedrock:InvokeModel', resource: profile('us-east-1'), context: { 'aws:RequestedRegion': 'us-east-1' } }, 'Allowed'],
    ['does not touch other services', { principal: principal('app'), action: 's3:GetObject', resource: `${AUDIT_BUCKET}/x`, context: { 'aws:RequestedRegion': 'eu-west-1' } }, 'Allowed'],
  ];
  test.each(scpCases)('%s', async (_name, request, expected) => {
    // IAM always sets aws:PrincipalArn; the evaluator needs it spelled out.
    const withPrincipal = { ...request, context: { ...request.context, 'aws:PrincipalArn': request.principal } };
    expect(await decide(withPrincipal, { identity: admin, scps: [scp()] })).toBe(expected);
  });

  test('the SCP is minified JSON within the 5,120-character limit', () => {
    expect(scpJson.length).toBeLessThanOrEqual(5120);
    expect(scpJson).not.toMatch(/\s/);
  });
});

describe('synthesized personas', () => {
  test('nag clean; every acknowledgement is granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('no persona policy is inline, so each can be reviewed once and attached many times', () => {
    synth.template().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the invoker grants a wildcard only where Bedrock has no resource type', () => {
    const resources = policiesOf('invoker').flatMap((p) => p.Statement as any[]).filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Resource].flat().map((r: string) => [s.Action, r]));
    const wildcards = resources.filter(([, r]) => r.includes('*'));
    expect(wildcards).toEqual([['bedrock:RetrieveAndGenerate', '*']]);
  });

  test('a cross-Region profile grants the profile and the model in every Region of its geography', () => {
    const statements = policiesOf('unenforced').flatMap((p) => p.Statement as any[]);
    const through = statements.find((s) => s.Sid === 'InvokeModelsOnlyThroughAllowedProfiles');
    expect([through.Resource].flat().sort()).toEqual(usRegions.map((r) => fm(r, CLAUDE)).sort());
    expect(through.Condition.StringEquals['bedrock:InferenceProfileArn'].sort()).toEqual(usRegions.map((r) => profile(r)).sort());
  });
});
