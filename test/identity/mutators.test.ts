import { App, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { PlatformKey, PlatformValidationError } from '../../lib';
import { BedrockAuditorPolicy, BedrockBuilderRole, BedrockEnforcement, BedrockInvokerPolicy, BedrockOperatorRole, PersonaTrust } from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { resolveIntrinsics } from '../kit/intrinsics';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const GUARDRAIL = { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' };
const KB1 = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/ABCDEFGHIJ';
const KB2 = 'arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KLMNOPQRST';
const NOVA = BedrockModel.foundationModel('amazon.nova-lite-v1:0');
const TITAN = BedrockModel.foundationModel('amazon.titan-embed-text-v2:0');
const PROFILE = BedrockModel.parse('us.amazon.nova-pro-v1:0');
const fm = (id: string, region = 'us-east-1') => `arn:aws:bedrock:${region}::foundation-model/${id}`;

/*
 * Every mutator of the personas, called after construction (and after the policy was attached),
 * several times, with values already allowed: synthesized once, with every compliance engine.
 */
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Mutated', { env: ENV });
  const app1 = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const invoker = new BedrockInvokerPolicy(stack, 'Invoker', { models: [NOVA] });
  invoker.grantInvoke(app1);
  invoker.addModel(TITAN, NOVA);
  invoker.addModel(PROFILE);
  invoker.addModel(PROFILE, TITAN);
  invoker.allowKnowledgeBase(KB1);
  invoker.allowKnowledgeBase(KB2, KB1);
  invoker.allowGuardrail(GUARDRAIL);
  invoker.allowGuardrail(GUARDRAIL);

  const kbRole = iam.Role.fromRoleArn(stack, 'KbRole', 'arn:aws:iam::123456789012:role/bedrock-kb');
  const agentRole = iam.Role.fromRoleArn(stack, 'AgentRole', 'arn:aws:iam::123456789012:role/bedrock-agent');
  const builder = new BedrockBuilderRole(stack, 'Builder', { trust: PersonaTrust.accounts([ENV.account]) });
  builder.addServiceRole(kbRole);
  builder.addServiceRole(agentRole, kbRole);

  const operator = new BedrockOperatorRole(stack, 'Operator', { trust: PersonaTrust.accounts([ENV.account]) });
  operator.addProvisionableModel(TITAN);
  operator.addProvisionableModel(TITAN);

  const key = new PlatformKey(stack, 'Key');
  const auditor = new BedrockAuditorPolicy(stack, 'Auditor');
  auditor.grantAudit(new iam.Role(stack, 'AuditApp', { assumedBy: new iam.AccountPrincipal(ENV.account) }));
  const auditBucket = s3.Bucket.fromBucketAttributes(stack, 'AuditBucket', { bucketName: 'audit-records', encryptionKey: key.key });
  const auditLogs = logs.LogGroup.fromLogGroupName(stack, 'AuditLogs', '/platform/audit');
  auditor.addAuditBucket(auditBucket);
  auditor.addAuditBucket(auditBucket);
  auditor.addAuditLogGroup(auditLogs, auditLogs);
  auditor.addInvocationLogGroup(logs.LogGroup.fromLogGroupName(stack, 'Prompts', '/bedrock/invocations'));
  auditor.addInvocationLogBucket(s3.Bucket.fromBucketName(stack, 'PromptObjects', 'invocation-payloads'));
});

const policy = (path: string) => {
  const doc = synth.json.Mutated.Resources[synth.logicalId(`Mutated/${path}/Resource`)].Properties.PolicyDocument;
  const statements = resolveIntrinsics(doc, ENV).Statement as any[];
  return { sids: statements.map((s) => s.Sid), bySid: Object.fromEntries(statements.map((s) => [s.Sid, s])) };
};
const list = (v: unknown): string[] => [v].flat() as string[];

describe('persona mutators, after construction', () => {
  test('passes every compliance pack; the wildcards the mutators add are acknowledged one by one', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('invoker: one statement per purpose, every model, profile, knowledge base and guardrail once', () => {
    const { sids, bySid } = policy('Invoker/Policy');
    expect(sids).toEqual([
      'InvokeAllowedModels',
      'InvokeModelsOnlyThroughAllowedProfiles',
      'DescribeAllowedProfiles',
      'RetrieveFromPlatformKnowledgeBases',
      'RetrieveAndGenerate',
      'ApplyPlatformGuardrail',
    ]);
    const direct = list(bySid.InvokeAllowedModels.Resource);
    expect(direct).toEqual(expect.arrayContaining([fm('amazon.nova-lite-v1:0'), fm('amazon.titan-embed-text-v2:0'), 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0']));
    expect(new Set(direct).size).toBe(direct.length);
    // The profile added later is in the condition that lets it route, and only once.
    const via = list(bySid.InvokeModelsOnlyThroughAllowedProfiles.Condition.StringEquals['bedrock:InferenceProfileArn']);
    expect(via).toContain('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0');
    expect(via.every((arn: string) => arn.endsWith(':inference-profile/us.amazon.nova-pro-v1:0'))).toBe(true);
    expect(new Set(via).size).toBe(via.length);
    expect(bySid.RetrieveFromPlatformKnowledgeBases.Resource).toEqual([KB1, KB2]);
    expect(bySid.ApplyPlatformGuardrail.Resource).toBe(GUARDRAIL.guardrailArn);
  });

  test('invoker: a role granted before the mutators gets what they added (one managed policy)', () => {
    const role = synth.json.Mutated.Resources[synth.logicalId('Mutated/App/Resource')];
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: synth.logicalId('Mutated/Invoker/Policy/Resource') }]);
  });

  test('builder: every service role passed once, to Bedrock only', () => {
    expect(policy('Builder/Permissions/Policy').bySid.PassServiceRolesToBedrockOnly).toEqual({
      Sid: 'PassServiceRolesToBedrockOnly',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: ['arn:aws:iam::123456789012:role/bedrock-agent', 'arn:aws:iam::123456789012:role/bedrock-kb'],
      Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
    });
  });

  test('operator: the provisionable model is named once', () => {
    expect(policy('Operator/Permissions/Policy').bySid.BuyProvisionedThroughputForAllowedModels.Resource).toBe(fm('amazon.titan-embed-text-v2:0'));
  });

  test('auditor: audit stores readable (their key through S3 only), prompt stores denied', () => {
    const { sids, bySid } = policy('Auditor/Policy');
    expect(new Set(sids).size).toBe(sids.length);
    expect(bySid.ReadAuditLogGroups.Resource).toEqual(['arn:aws:logs:us-east-1:123456789012:log-group:/platform/audit', 'arn:aws:logs:us-east-1:123456789012:log-group:/platform/audit:*']);
    expect(bySid.ListAuditBuckets.Resource).toBe('arn:aws:s3:::audit-records');
    expect(bySid.ReadAuditObjects.Resource).toBe('arn:aws:s3:::audit-records/*');
    expect(bySid.DecryptAuditObjectsThroughS3.Condition).toEqual({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } });
    expect(bySid.DenyPromptPayloadLogs).toMatchObject({ Effect: 'Deny', Resource: ['arn:aws:logs:us-east-1:123456789012:log-group:/bedrock/invocations', 'arn:aws:logs:us-east-1:123456789012:log-group:/bedrock/invocations:*'] });
    expect(bySid.DenyPromptPayloadObjects).toMatchObject({ Effect: 'Deny', Resource: 'arn:aws:s3:::invocation-payloads/*' });
  });
});

describe('mutator validation, at call time, with the rules of the props', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  const invoker = (s: Stack) => new BedrockInvokerPolicy(s, 'P', { models: [NOVA] });
  test.each<[string, (p: BedrockInvokerPolicy) => void, RegExp]>([
    ['a model pattern', (p) => p.addModel(BedrockModel.parse('anthropic.claude-*')), /^S\/P: invalid addModel\[0\] "anthropic\.claude-\*"\. Must name exactly one model/],
    ['a Mantle model', (p) => p.addModel(TITAN, BedrockModel.mantleModel('openai.gpt-oss-120b')), /^S\/P: invalid addModel\[1\] "openai\.gpt-oss-120b"/],
    ['a bad knowledge base ARN', (p) => p.allowKnowledgeBase(KB1, 'arn:aws:bedrock:us-east-1:123456789012:agent/ABCDEFGHIJ'), /^S\/P: invalid allowKnowledgeBase\[1\]/],
    ['a DRAFT guardrail', (p) => p.allowGuardrail({ ...GUARDRAIL, guardrailVersion: 'DRAFT' }), /^S\/P: invalid allowGuardrail\[0\]\.guardrailVersion "DRAFT"/],
  ])('rejects %s', (_name, mutate, message) => {
    const p = invoker(stack());
    expect(() => mutate(p)).toThrow(PlatformValidationError);
    expect(() => mutate(p)).toThrow(message);
  });

  test('a rejected call changes nothing', () => {
    const p = invoker(stack());
    expect(() => p.addModel(TITAN, BedrockModel.parse('anthropic.claude-*'))).toThrow(PlatformValidationError);
    expect(p.allowedModels).toEqual([NOVA]);
    expect(p.policyStatements.map((s) => s.sid)).toEqual(['InvokeAllowedModels']);
  });

  test('the operator refuses a model it cannot buy throughput for', () => {
    const s = stack();
    const operator = new BedrockOperatorRole(s, 'O', { trust: PersonaTrust.accounts([ENV.account]) });
    expect(() => operator.addProvisionableModel(PROFILE)).toThrow(/^S\/O\/Permissions: invalid addProvisionableModel\[0\] "us\.amazon\.nova-pro-v1:0"/);
  });

  test('tokens are taken as they are (e.g. a knowledge base created in the app)', () => {
    const s = stack();
    const p = invoker(s);
    p.allowKnowledgeBase(Lazy.string({ produce: () => KB1 }));
    expect(s.resolve(p.policyStatements.find((st) => st.sid === 'RetrieveFromPlatformKnowledgeBases')!.toStatementJson()).Resource).toBe(KB1);
  });
});

describe('enforcement imported by attributes', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  const ARN = 'arn:aws:iam::123456789012:policy/bedrock-enforcement';
  test.each<[string, object, RegExp]>([
    ['a role ARN', { managedPolicyArn: 'arn:aws:iam::123456789012:role/x' }, /^S\/E: invalid managedPolicyArn "arn:aws:iam::123456789012:role\/x"\. Must be a customer-managed policy ARN/],
    ['an AWS managed policy', { managedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, /invalid managedPolicyArn/],
    ['a policy of another account', { managedPolicyArn: 'arn:aws:iam::210987654321:policy/bedrock-enforcement' }, /^S\/E: invalid managedPolicyArn .*The policy is in account 210987654321 and this stack deploys to 123456789012/],
    ['a DRAFT guardrail', { managedPolicyArn: ARN, requiredGuardrail: { ...GUARDRAIL, guardrailVersion: 'DRAFT' } }, /invalid requiredGuardrail\.guardrailVersion "DRAFT"/],
    ['a malformed endpoint ID', { managedPolicyArn: ARN, requiredVpcEndpointIds: ['endpoint-1'] }, /invalid requiredVpcEndpointIds\[0\] "endpoint-1"/],
  ])('rejects %s', (_name, attrs, message) => {
    expect(() => BedrockEnforcement.fromEnforcementAttributes(stack(), 'E', attrs as never)).toThrow(message);
  });

  test('exposes what it was given', () => {
    const e = BedrockEnforcement.fromEnforcementAttributes(stack(), 'E', { managedPolicyArn: ARN, requiredGuardrail: GUARDRAIL, requiredVpcEndpointIds: ['vpce-0123456789abcdef0'] });
    expect([e.managedPolicyArn, e.requiredGuardrail, e.requiredVpcEndpointIds]).toEqual([ARN, GUARDRAIL, ['vpce-0123456789abcdef0']]);
  });

  test('a principal without a role, user or group: warned that the denies do not apply', () => {
    const s = stack();
    const e = BedrockEnforcement.fromEnforcementAttributes(s, 'E', { managedPolicyArn: ARN });
    expect(e.enforceOn(new iam.AccountPrincipal('123456789012')).success).toBe(false);
    const warnings = Annotations.fromStack(s).findWarning('/S/E', Match.stringLikeRegexp('enforcementNotApplied'));
    expect(warnings.map((w) => String(w.entry.data))).toEqual([expect.stringMatching(/has no role, user or group to attach S\/E's managed policy to/)]);
  });

  test('a BedrockEnforcement exposes the same attributes, for another stack to import', () => {
    const s = stack();
    const e = new BedrockEnforcement(s, 'E', { requireGuardrail: GUARDRAIL, requirePrivatePath: { vpcEndpointIds: ['vpce-0123456789abcdef0'] } });
    expect(s.resolve(e.managedPolicyArn)).toEqual({ Ref: s.getLogicalId(e.managedPolicy.node.defaultChild as iam.CfnManagedPolicy) });
    expect([e.requiredGuardrail, e.requiredVpcEndpointIds]).toEqual([GUARDRAIL, ['vpce-0123456789abcdef0']]);
  });
});
