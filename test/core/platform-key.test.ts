import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ALL_KEY_CONSUMERS, declareKeyNeeds, KEY_POLICY_WARNING, KeyConsumer, PlatformKey, PlatformValidationError, SecureLogGroup } from '../../lib';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER = '999999999999';

const synth = synthesize((app) => {
  // Every consumer named: the policy the key had by default before consumers were derived.
  const full = new Stack(app, 'Full', { env: ENV });
  new PlatformKey(full, 'Key', { consumers: ALL_KEY_CONSUMERS });
  // Nothing named, nothing using it: the root and grant statements only.
  new PlatformKey(new Stack(app, 'Unused', { env: ENV }), 'Key');
  // Derived: a SecureLogGroup declares CloudWatch Logs, aws-cdk-lib's own log group is found by its
  // KmsKeyId, and the named consumer is added to what is derived.
  const derived = new Stack(app, 'Derived', { env: ENV });
  const derivedKey = new PlatformKey(derived, 'Key', { consumers: [KeyConsumer.BUDGETS] });
  new SecureLogGroup(derived, 'Logs', { encryptionKey: derivedKey.key });
  const plain = new Stack(app, 'PlainLogGroup', { env: ENV });
  new logs.LogGroup(plain, 'Logs', { encryptionKey: new PlatformKey(plain, 'Key').key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
  const minimal = new Stack(app, 'Minimal', { env: ENV });
  new PlatformKey(minimal, 'Key', { consumers: [KeyConsumer.CLOUDWATCH_LOGS], alias: 'alias/team/bedrock', rotationPeriodDays: 90 });
  // An existing customer key, imported by ARN, encrypting a log group.
  const imported = new Stack(app, 'Imported', { env: ENV });
  const key = PlatformKey.fromPlatformKeyAttributes(imported, 'Existing', { keyArn: KEY_ARN, consumers: [KeyConsumer.CLOUDWATCH_LOGS] });
  new logs.LogGroup(imported, 'Logs', { encryptionKey: key.key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
});

const keyPolicy = (stack: string): PolicyJson => {
  const [key] = Object.values(synth.json[stack].Resources as Record<string, any>).filter((r) => r.Type === 'AWS::KMS::Key');
  return resolveIntrinsics(key.Properties.KeyPolicy, ENV);
};

describe('PlatformKey', () => {
  test('rotates, keeps its material on delete and replace, and has an alias', () => {
    const t = synth.template('Full');
    t.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, RotationPeriodInDays: 365, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/bedrock-platform/Full' });
  });

  test('with every consumer named, the key policy names exactly the account root and those services', () => {
    const principals = (keyPolicy('Full').Statement as any[]).map((s) => s.Principal);
    expect(principals).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      { AWS: '*' }, // the Deny on grants for non-AWS resources (CT.KMS.PR.3)
      { Service: 'logs.us-east-1.amazonaws.com' },
      { Service: 'cloudtrail.amazonaws.com' },
      { Service: 'cloudtrail.amazonaws.com' },
      { Service: 'bedrock.amazonaws.com' },
      { Service: 'cloudwatch.amazonaws.com' },
      { Service: 'events.amazonaws.com' },
      { Service: 'budgets.amazonaws.com' },
      { Service: 'indexing.s3vectors.amazonaws.com' },
    ]);
  });

  test('every service statement carries its confused-deputy condition', () => {
    const bySid = Object.fromEntries((keyPolicy('Full').Statement as any[]).filter((s) => s.Sid).map((s) => [s.Sid, s.Condition]));
    expect(bySid.AllowCloudWatchLogsForThisAccountsLogGroups).toEqual({
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' },
    });
    expect(bySid.AllowCloudTrailToEncryptThisAccountsTrails.ArnLike).toEqual({ 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/*' });
    expect(bySid.AllowBedrockLogDeliveryForThisAccount.StringEquals).toEqual({ 'aws:SourceAccount': '123456789012' });
    // The documented form for SNS/SQS publishers (Budgets included) has no source condition (see the evaluated cases below).
    expect(bySid.AllowBudgetsToPublishToEncryptedTopics).toBeUndefined();
    expect(bySid.AllowCloudWatchAlarmsToPublishToEncryptedTopics).toBeUndefined();
    expect(bySid.AllowEventBridgeToDeliverToEncryptedTopicsAndQueues).toBeUndefined();
    expect(Object.keys(bySid)).toEqual(expect.arrayContaining(['AllowCloudWatchAlarmsToPublishToEncryptedTopics', 'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues']));
  });

  test('grants only for AWS resources or AWS services (CT.KMS.PR.3)', () => {
    const deny = (keyPolicy('Minimal').Statement as any[]).find((s) => s.Sid === 'DenyGrantsExceptForAwsResources');
    expect(deny).toEqual({
      Sid: 'DenyGrantsExceptForAwsResources',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('unused and unnamed, a key admits no service', () => {
    expect((keyPolicy('Unused').Statement as any[]).map((s) => s.Sid ?? s.Principal)).toEqual([{ AWS: 'arn:aws:iam::123456789012:root' }, 'DenyGrantsExceptForAwsResources']);
  });

  test('the policy admits what its users declared, plus the consumers named', () => {
    expect((keyPolicy('Derived').Statement as any[]).map((s) => s.Sid ?? s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
      'AllowBudgetsToPublishToEncryptedTopics',
    ]);
  });

  test("aws-cdk-lib's own log group, which declares nothing, still gets CloudWatch Logs admitted", () => {
    expect((keyPolicy('PlainLogGroup').Statement as any[]).map((s) => s.Sid ?? s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
    ]);
  });

  test('consumers trims the policy to the services asked for', () => {
    const t = synth.template('Minimal');
    t.hasResourceProperties('AWS::KMS::Key', {
      RotationPeriodInDays: 90,
      KeyPolicy: {
        Statement: [Match.objectLike({ Action: 'kms:*' }), Match.objectLike({ Sid: 'DenyGrantsExceptForAwsResources' }), Match.objectLike({ Sid: 'AllowCloudWatchLogsForThisAccountsLogGroups' })],
      },
    });
    t.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/team/bedrock' });
  });

  test('an imported key is used by ARN where a key is taken', () => {
    synth.template('Imported').hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: KEY_ARN });
  });

  test('passes every compliance pack; only the three documented unconditioned publishers are acknowledged, where admitted', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    // On the key that admits them only: a key that does not admit a publisher carries no acknowledgement for it.
    expect(synth.compliance.acknowledgements.map((a) => `${a.path.split('/')[0]} ${a.id}`).sort()).toEqual([
      'Derived BedrockPlatform::BedrockPlatform-KMS2[Service::budgets.amazonaws.com]',
      'Full BedrockPlatform::BedrockPlatform-KMS2[Service::budgets.amazonaws.com]',
      'Full BedrockPlatform::BedrockPlatform-KMS2[Service::cloudwatch.amazonaws.com]',
      'Full BedrockPlatform::BedrockPlatform-KMS2[Service::events.amazonaws.com]',
    ]);
  });

  test('the key policy a reviewer reads, with every consumer (intrinsics resolved)', () => {
    const [[, key]] = Object.entries(synth.json.Full.Resources as Record<string, any>).filter(([, r]) => r.Type === 'AWS::KMS::Key');
    expect({ policy: keyPolicy('Full'), properties: { ...key.Properties, KeyPolicy: undefined }, deletion: [key.DeletionPolicy, key.UpdateReplacePolicy] }).toMatchSnapshot();
  });

  test('an imported key whose declared consumers cover its users raises no key-policy warning', () => {
    // Not acknowledged: an unadmitted need would be a finding of this synthesis.
    expect(synth.compliance.findings.filter((f) => f.path.startsWith('Imported/'))).toEqual([]);
    expect(synth.compliance.acknowledgements.filter((a) => a.path.startsWith('Imported/'))).toEqual([]);
  });
});

describe('PlatformKey policy, evaluated', () => {
  const key = KEY_ARN;
  const policy = () => ({ resource: keyPolicy('Full') });
  const cases: Array<[string, Parameters<typeof decide>[0], string]> = [
    ['CloudWatch Logs for a log group of this account', { principal: 'logs.us-east-1.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:/platform/app' } }, 'Allowed'],
    ['CloudWatch Logs for another account\'s log group', { principal: 'logs.us-east-1.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:us-east-1:${OTHER}:log-group:stolen` } }, 'ImplicitlyDenied'],
    ['CloudTrail for a trail of this account', { principal: 'cloudtrail.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/audit', 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/audit' } }, 'Allowed'],
    ['CloudTrail for another account\'s trail', { principal: 'cloudtrail.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${OTHER}:trail/audit`, 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:us-east-1:${OTHER}:trail/audit` } }, 'ImplicitlyDenied'],
    ['Bedrock log delivery for this account', { principal: 'bedrock.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:123456789012:*' } }, 'Allowed'],
    ['Bedrock on behalf of another account', { principal: 'bedrock.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'aws:SourceAccount': OTHER, 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${OTHER}:*` } }, 'ImplicitlyDenied'],
    ['Bedrock cannot schedule the key for deletion', { principal: 'bedrock.amazonaws.com', action: 'kms:ScheduleKeyDeletion', resource: key, context: { 'aws:SourceAccount': '123456789012' } }, 'ImplicitlyDenied'],
    ['EventBridge rule of this account publishing to an encrypted topic', { principal: 'events.amazonaws.com', action: 'kms:GenerateDataKey', resource: key, context: { 'aws:SourceAccount': '123456789012', 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/alerts' } }, 'Allowed'],
    // SNS asks KMS on the publisher's behalf; AWS documents no aws:SourceArn / aws:SourceAccount on that call.
    ['EventBridge publishing to an encrypted topic, as SNS asks KMS (no source keys)', { principal: 'events.amazonaws.com', action: 'kms:GenerateDataKey', resource: key }, 'Allowed'],
    ['CloudWatch alarm publishing to an encrypted topic, as SNS asks KMS (no source keys)', { principal: 'cloudwatch.amazonaws.com', action: 'kms:GenerateDataKey', resource: key }, 'Allowed'],
    ['Budgets publishing to an encrypted topic, as SNS asks KMS (no source keys)', { principal: 'budgets.amazonaws.com', action: 'kms:GenerateDataKey', resource: key }, 'Allowed'],
    ['EventBridge cannot manage the key', { principal: 'events.amazonaws.com', action: 'kms:PutKeyPolicy', resource: key }, 'ImplicitlyDenied'],
    ['a role of another account', { principal: `arn:aws:iam::${OTHER}:role/attacker`, action: 'kms:Decrypt', resource: key }, 'ImplicitlyDenied'],
  ];
  test.each(cases)('%s', async (_name, request, expected) => {
    expect(await decide(request, policy())).toBe(expected);
  });

  test('another account cannot use the key even when its own IAM allows everything', async () => {
    const adminElsewhere = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    for (const action of ['kms:Decrypt', 'kms:GenerateDataKey']) {
      expect(await decide({ principal: `arn:aws:iam::${OTHER}:role/admin`, action, resource: key }, { ...policy(), identity: [adminElsewhere] })).toBe('ImplicitlyDenied');
    }
    // A grant is refused outright: the key policy's explicit Deny applies to every principal.
    expect(await decide({ principal: `arn:aws:iam::${OTHER}:role/admin`, action: 'kms:CreateGrant', resource: key }, { ...policy(), identity: [adminElsewhere] })).toBe('ExplicitlyDenied');
  });

  test('an administrator of this account cannot create a grant for a non-AWS resource', async () => {
    const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
    const principal = 'arn:aws:iam::123456789012:role/admin';
    expect(await decide({ principal, action: 'kms:CreateGrant', resource: key }, { ...policy(), identity: [admin] })).toBe('ExplicitlyDenied');
    expect(await decide({ principal, action: 'kms:CreateGrant', resource: key, context: { 'kms:GrantIsForAWSResource': 'true' } }, { ...policy(), identity: [admin] })).toBe('Allowed');
  });

  test('a role of this account needs an identity policy (the root statement delegates to IAM)', async () => {
    const principal = 'arn:aws:iam::123456789012:role/app';
    expect(await decide({ principal, action: 'kms:Decrypt', resource: key }, policy())).toBe('ImplicitlyDenied');
    const identity = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: key }] };
    expect(await decide({ principal, action: 'kms:Decrypt', resource: key }, { ...policy(), identity: [identity] })).toBe('Allowed');
  });
});

describe('PlatformKey validation', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  test.each([
    [{ rotationPeriodDays: 30 }, /invalid rotationPeriodDays 30\. Must be a whole number from 90 to 2560/],
    [{ pendingWindowDays: 45 }, /invalid pendingWindowDays 45\. Must be a whole number from 7 to 30/],
    [{ alias: 'alias/aws/bedrock' }, /invalid alias "alias\/aws\/bedrock"\. Must be 'alias\/' followed by/],
    [{ alias: 'platform' }, /invalid alias "platform"/],
    [{ consumers: ['s3' as KeyConsumer] }, /invalid consumers\[0\] "s3"\. Allowed values: KeyConsumer\.CLOUDWATCH_LOGS \('logs'\), KeyConsumer\.CLOUDTRAIL \('cloudtrail'\), .*KeyConsumer\.BUDGETS \('budgets'\)/],
  ])('%j is rejected at synth time', (props, message) => {
    expect(() => new PlatformKey(stack(), 'Key', props)).toThrow(PlatformValidationError);
    expect(() => new PlatformKey(stack(), 'Key', props)).toThrow(message);
  });

  test('two keys with one alias in a stack: a synth-time error naming both, not a failed deployment', () => {
    const s = stack();
    new PlatformKey(s, 'First');
    expect(() => new PlatformKey(s, 'Second')).toThrow(
      /^S\/Second: invalid alias "alias\/bedrock-platform\/S"\. S\/First already has this alias in 123456789012\/us-east-1, .*Pass a distinct alias to one of the two keys, or share one key/,
    );
    expect(() => new PlatformKey(s, 'Third', { alias: 'alias/bedrock-platform/S/third' })).not.toThrow();
    // Across stacks too, where both are in one account and Region; another Region has aliases of its own.
    expect(() => new PlatformKey(new Stack(s.node.root as App, 'T', { env: ENV }), 'Key', { alias: 'alias/bedrock-platform/S' })).toThrow(/^T\/Key: invalid alias .* S\/First already has this alias/);
    expect(() => new PlatformKey(new Stack(s.node.root as App, 'U', { env: { ...ENV, region: 'eu-west-1' } }), 'Key', { alias: 'alias/bedrock-platform/S' })).not.toThrow();
  });

  test('PlatformKey.of: one default key per stack, at one path, with an alias of its own', () => {
    const s = stack();
    const nested = new Construct(new Construct(s, 'A'), 'B');
    const key = PlatformKey.of(nested);
    expect(PlatformKey.of(s)).toBe(key);
    expect(key.node.path).toBe('S/BedrockPlatformDefaultKey');
    // A key of the default alias beside it: no collision.
    expect(() => new PlatformKey(s, 'Key')).not.toThrow();
    expect(s.resolve((key.alias.node.defaultChild as kms.CfnAlias).aliasName)).toBe('alias/bedrock-platform/S/default');
    const other = new Stack(s.node.root as App, 'Other', { env: ENV });
    expect(PlatformKey.of(other)).not.toBe(key);
    expect(PlatformKey.isPlatformKey(key)).toBe(true);
    expect(PlatformKey.isPlatformKey(key.key)).toBe(false);
  });

  test('error names the construct path', () => {
    expect(() => new PlatformKey(stack(), 'Key', { rotationPeriodDays: 1 })).toThrow(/^S\/Key: invalid rotationPeriodDays/);
  });

  test('tokens are not validated at synth time', () => {
    const s = stack();
    expect(() => new PlatformKey(s, 'Key', { alias: Token.asString({ Ref: 'AliasName' }) })).not.toThrow();
    const arn = Token.asString({ Ref: 'KeyArn' });
    expect(s.resolve(PlatformKey.fromPlatformKeyAttributes(s, 'Imported', { keyArn: arn }).key.keyArn)).toEqual({ Ref: 'KeyArn' });
  });

  test('fromPlatformKeyAttributes rejects an alias ARN, a malformed ARN and an unknown consumer', () => {
    const load = (keyArn: string, consumers?: KeyConsumer[]) => () => PlatformKey.fromPlatformKeyAttributes(stack(), 'K', { keyArn, consumers });
    expect(load('arn:aws:kms:us-east-1:123456789012:alias/platform')).toThrow(/^S\/K: invalid keyArn .*alias ARN cannot carry grants/);
    expect(load('not-an-arn')).toThrow(/invalid keyArn "not-an-arn"/);
    expect(load(KEY_ARN, ['s3' as KeyConsumer])).toThrow(/^S\/K: invalid consumers\[0\] "s3"\. Allowed values: KeyConsumer\.CLOUDWATCH_LOGS \('logs'\)/);
  });

  test('consumerStatements gives an imported key\'s owner the statements to add', () => {
    const s = stack();
    const statements = PlatformKey.consumerStatements(s, [KeyConsumer.BEDROCK]).map((st) => s.resolve(st.toStatementJson()));
    expect(statements).toHaveLength(1);
    expect(statements[0].Principal).toEqual({ Service: 'bedrock.amazonaws.com' });
  });

  test('grant helpers scope a role to this key', () => {
    const s = stack();
    const key = new PlatformKey(s, 'Key');
    const role = new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    key.grantDecrypt(role);
    const cfn = role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
    expect(s.resolve(cfn.policyDocument).Statement).toEqual([
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: s.resolve(key.key.keyArn) },
    ]);
  });
});

describe('PlatformKey.fromPlatformKeyAttributes', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  const keyPolicyWarnings = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp(KEY_POLICY_WARNING)).map((w) => ({ path: w.id, message: String(w.entry.data) }));

  test('an IPlatformKey: the key by ARN, the consumers as declared (in key-policy order, once)', () => {
    const s = stack();
    const imported = PlatformKey.fromPlatformKeyAttributes(s, 'Existing', { keyArn: KEY_ARN, consumers: [KeyConsumer.BUDGETS, KeyConsumer.CLOUDWATCH_LOGS, KeyConsumer.BUDGETS] });
    expect(imported.key.keyArn).toBe(KEY_ARN);
    expect(imported.consumers).toEqual([KeyConsumer.CLOUDWATCH_LOGS, KeyConsumer.BUDGETS]);
    expect(PlatformKey.isPlatformKey(imported)).toBe(false);
  });

  test('a need the declared consumers lack: the warning names the missing statement and the construct that needs it, only that', () => {
    const s = stack();
    const imported = PlatformKey.fromPlatformKeyAttributes(s, 'Existing', { keyArn: KEY_ARN, consumers: [KeyConsumer.CLOUDWATCH_LOGS] });
    new SecureLogGroup(s, 'Logs', { encryptionKey: imported.key });
    // A construct of the app that hands the key to EventBridge (as an alert topic does).
    declareKeyNeeds(new Construct(s, 'Alerts'), imported.key, [KeyConsumer.EVENTBRIDGE]);
    const warnings = keyPolicyWarnings(s);
    expect(warnings.map((w) => w.path)).toEqual(['/S/Existing/Key']);
    expect(warnings[0].message).toMatch(/^Key S\/Existing\/Key is imported: its policy cannot be read or edited here, and the consumers declared for it \(logs\) do not cover what the constructs using it need\./);
    expect(warnings[0].message).toContain('AllowEventBridgeToDeliverToEncryptedTopicsAndQueues (principal events.amazonaws.com, kms:Decrypt kms:GenerateDataKey*) for S/Alerts');
    expect(warnings[0].message).not.toContain('AllowCloudWatchLogsForThisAccountsLogGroups');
  });

  test('declared consumers that cover every need: no warning', () => {
    const s = stack();
    const imported = PlatformKey.fromPlatformKeyAttributes(s, 'Existing', { keyArn: KEY_ARN, consumers: [KeyConsumer.CLOUDWATCH_LOGS] });
    new SecureLogGroup(s, 'Logs', { encryptionKey: imported.key });
    expect(keyPolicyWarnings(s)).toEqual([]);
  });

  test('grants on an imported key: an identity statement on the key ARN', () => {
    const s = stack();
    const imported = PlatformKey.fromPlatformKeyAttributes(s, 'Existing', { keyArn: KEY_ARN });
    const role = new iam.Role(s, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    const grant = imported.grantEncryptDecrypt(role);
    expect(grant.success).toBe(true);
    expect(grant.principalStatements.map((st) => s.resolve(st.toStatementJson()))).toEqual([
      { Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'], Effect: 'Allow', Resource: KEY_ARN },
    ]);
  });
});
