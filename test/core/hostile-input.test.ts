import { App, CfnParameter, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AlertTopic, BedrockAuditTrail, KeyConsumer, ModelInvocationLogging, PlatformKey, PlatformValidationError } from '../../lib';
import { declareKeyNeeds } from '../../lib/core/key-needs';
import {
  deploymentTarget,
  isResolved,
  isToken,
  optionalBoolean,
  optionalString,
  requireEmailAddresses,
  requireIntegerInRange,
  requireList,
  requireOneOf,
  requirePattern,
  requireRemovalPolicy,
  requireRetentionDays,
} from '../../lib/core/validate';
import { acknowledgeWildcardResources, unpairedBracket, wildcardResourceFinding } from '../../lib/core/wildcard-acknowledgement';

// Issue 11, core: what a JavaScript caller, a CfnParameter or a typo can hand the foundation.
// Construction-time errors only, plus templates read with Template.fromStack (no compliance run:
// nothing here adds a resource the other core tests do not already check).

const ENV = { account: '123456789012', region: 'us-east-1' };
const stack = (env: { account?: string; region?: string } | undefined = ENV, app = new App()) => new Stack(app, 'S', { env });
const numberParameter = (s: Stack, id = 'Days') => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;

describe('tokens: one rule, skipped by every range and pattern check', () => {
  test('a CfnParameter number (about -1.888e+289) is a token, not a value', () => {
    const days = numberParameter(stack());
    expect(days).toBeLessThan(-1e289);
    expect(isToken(days)).toBe(true);
    expect(isResolved(days)).toBe(false);
    expect(isToken(365)).toBe(false);
    expect(isToken(Token.asString(Lazy.string({ produce: () => 'x' })))).toBe(true);
  });

  test.each([
    ['requireIntegerInRange', (s: Stack, v: any) => requireIntegerInRange(s, 'p', v, 1, 10)],
    ['requireRetentionDays', (s: Stack, v: any) => requireRetentionDays(s, 'p', v)],
    ['requirePattern', (s: Stack, v: any) => requirePattern(s, 'p', Token.asString(v), /^a$/, 'a')],
    ['requireOneOf', (s: Stack, v: any) => requireOneOf(s, 'p', Token.asString(v), ['a'])],
    ['optionalString', (s: Stack, v: any) => optionalString(s, 'p', Token.asString(v), 1)],
  ])('%s skips a CfnParameter', (_name, check) => {
    const s = stack();
    const value = numberParameter(s);
    expect(() => check(s, value)).not.toThrow();
  });

  test('PlatformKey hands rotation and pending-window parameters to CloudFormation unchanged', () => {
    const s = stack();
    new PlatformKey(s, 'Key', { rotationPeriodDays: numberParameter(s, 'Rotation'), pendingWindowDays: numberParameter(s, 'Pending') });
    Template.fromStack(s).hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, RotationPeriodInDays: { Ref: 'Rotation' }, PendingWindowInDays: { Ref: 'Pending' } });
  });

  test('a literal out of range is still refused, naming prop and value', () => {
    expect(() => new PlatformKey(stack(), 'Key', { rotationPeriodDays: 89 })).toThrow(/^S\/Key: invalid rotationPeriodDays 89\. Must be a whole number from 90 to 2560\./);
    expect(() => new PlatformKey(stack(), 'Key', { pendingWindowDays: 7.5 })).toThrow(/invalid pendingWindowDays 7\.5\. Must be a whole number from 7 to 30/);
  });
});

describe('JavaScript values: the library error, never a TypeError', () => {
  const s = stack();
  test.each<[string, () => unknown, RegExp]>([
    ['a number given as a string', () => requireIntegerInRange(s, 'days', '30' as any, 1, 10), /invalid days "30"\. Must be a whole number/],
    ['NaN', () => requireIntegerInRange(s, 'days', NaN, 1, 10), /invalid days null\. Must be a whole number/],
    ['null for a number', () => requireIntegerInRange(s, 'days', null as any, 1, 10), /invalid days null/],
    ['an object where a pattern applies', () => requirePattern(s, 'name', {} as any, /^.*$/, 'a name'), /invalid name \{\}\. Must be a name/],
    ['a number where a pattern applies', () => requirePattern(s, 'name', 5 as any, /^\d$/, 'a name'), /invalid name 5/],
    ['null for an enum', () => requireOneOf(s, 'mode', null as any, ['A', 'B']), /invalid mode null\. Allowed values: A, B/],
    ['a string for a list', () => requireList(s, 'emails', 'a@example.com' as any), /invalid emails "a@example\.com"\. Must be a list: write \["a@example\.com"\]/],
    ['null in a list', () => requireList(s, 'emails', ['a', null] as any), /invalid emails\[1\] null\. The list has a hole/],
    ['undefined in a list', () => requireList(s, 'emails', [undefined, 'a'] as any), /invalid emails\[0\] \(not set\)\. The list has a hole/],
    ['a number in the e-mail list', () => requireEmailAddresses(s, 'alertEmails', [5] as any), /invalid alertEmails\[0\] 5\. Must be an e-mail address/],
    ['a string for a boolean', () => optionalBoolean(s, 'createTrail', 'false' as any), /invalid createTrail "false"\. Must be true or false/],
    ['a number for a string', () => optionalString(s, 'description', 5 as any, 10), /invalid description 5\. Must be a string/],
    ['an unknown removal policy', () => requireRemovalPolicy(s, 'removalPolicy', 'keep' as any, 'A key'), /invalid removalPolicy "keep"\. Allowed values: RemovalPolicy\.RETAIN/],
    ['a retention CloudWatch Logs does not offer', () => requireRetentionDays(s, 'retention', 401 as logs.RetentionDays), /invalid retention 401\. CloudWatch Logs keeps events only for these periods .*: 1, 3, 5, 7, 14/],
    ['a fractional retention', () => requireRetentionDays(s, 'retention', 1.5 as logs.RetentionDays), /invalid retention 1\.5/],
    ['a string retention', () => requireRetentionDays(s, 'retention', '365' as any), /invalid retention "365"/],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(PlatformValidationError);
    expect(call).toThrow(message);
  });

  test('lists are sets: a duplicate counts once, and e-mail lists keep the order given', () => {
    expect(requireList(s, 'p', ['b', 'a', 'b'])).toEqual(['b', 'a']);
    expect(requireEmailAddresses(s, 'alertEmails', ['a@example.com', 'b@example.com', 'a@example.com'])).toEqual(['a@example.com', 'b@example.com']);
    expect(retentionAccepted(logs.RetentionDays.THIRTEEN_MONTHS)).toBe(true);
  });

  function retentionAccepted(days: logs.RetentionDays): boolean {
    return requireRetentionDays(s, 'retention', days) === days;
  }
});

describe('KeyConsumer from JavaScript', () => {
  test('consumerStatements(stack, ["s3"]) names the allowed consumers instead of "builders[c] is not a function"', () => {
    const call = () => PlatformKey.consumerStatements(stack(), ['s3' as KeyConsumer]);
    expect(call).toThrow(PlatformValidationError);
    expect(call).toThrow(/^S: invalid consumers\[0\] "s3"\. Allowed values: KeyConsumer\.CLOUDWATCH_LOGS \('logs'\), .*KeyConsumer\.S3_VECTORS \('indexing\.s3vectors'\)\./);
  });

  test.each<[string, unknown, RegExp]>([
    ['a string for the list', 'logs', /invalid consumers "logs"\. Must be a list of KeyConsumer/],
    ['null in the list', [KeyConsumer.BEDROCK, null], /invalid consumers\[1\] null/],
    ['an enum member that does not exist (undefined)', [undefined], /invalid consumers\[0\] \(not set\)/],
  ])('%s', (_name, consumers, message) => {
    expect(() => PlatformKey.consumerStatements(stack(), consumers as KeyConsumer[])).toThrow(message);
    expect(() => new PlatformKey(stack(), 'Key', { consumers: consumers as KeyConsumer[] })).toThrow(message);
  });

  test('declareKeyNeeds checks its consumers too', () => {
    const s = stack();
    expect(() => declareKeyNeeds(s, PlatformKey.of(s).key, ['sns' as KeyConsumer])).toThrow(/^S: invalid consumers\[0\] "sns"/);
  });

  test('a valid list with duplicates renders each statement once', () => {
    const sids = PlatformKey.consumerStatements(stack(), [KeyConsumer.CLOUDTRAIL, KeyConsumer.CLOUDTRAIL, KeyConsumer.BEDROCK]).map((st) => st.sid);
    expect(sids).toEqual(['AllowCloudTrailToEncryptThisAccountsTrails', 'AllowCloudTrailToDescribeKey', 'AllowBedrockLogDeliveryForThisAccount']);
  });
});

describe('PlatformKey values', () => {
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an alias over 256 characters', { alias: `alias/${'a'.repeat(251)}` }, /invalid alias "alias\/a+"\. KMS allows alias names of at most 256 characters, 'alias\/' included; this one has 257/],
    ['an alias with a space', { alias: 'alias/my key' }, /invalid alias "alias\/my key"\. Must be 'alias\/' followed by letters/],
    ['an alias AWS reserves', { alias: 'alias/aws/s3' }, /invalid alias "alias\/aws\/s3"\. .*not 'alias\/aws\/'/],
    ['an alias that is not a string', { alias: 42 }, /invalid alias 42/],
    ['a description over 8192 characters', { description: 'd'.repeat(8193) }, /invalid description "d{40}\.\.\. \(8193 characters\)"\. Must be at most 8192 characters/],
    ['RemovalPolicy.SNAPSHOT', { removalPolicy: RemovalPolicy.SNAPSHOT }, /invalid removalPolicy "snapshot"\. A KMS key cannot be snapshotted/],
    ['props that are a string', 'alias/x' as any, /^S\/Key: invalid props "alias\/x"\. Must be an object of properties/],
  ])('%s', (_name, props, message) => {
    expect(() => new PlatformKey(stack(), 'Key', props)).toThrow(message);
  });

  test('the longest alias KMS allows (256 characters) and the longest description (8192) are accepted', () => {
    const s = stack();
    new PlatformKey(s, 'Key', { alias: `alias/${'a'.repeat(250)}`, description: 'd'.repeat(8192) });
    Template.fromStack(s).hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/${'a'.repeat(250)}` });
  });

  test.each<[string, unknown, RegExp]>([
    ['no attributes', undefined, /^S\/K: invalid keyArn \(not set\)\. Must be a KMS key ARN/],
    ['null', null, /^S\/K: invalid props null/],
    ['a key ARN that is a number', { keyArn: 5 }, /invalid keyArn 5/],
  ])('fromPlatformKeyAttributes with %s', (_name, attrs, message) => {
    expect(() => PlatformKey.fromPlatformKeyAttributes(stack(), 'K', attrs as never)).toThrow(message);
  });
});

describe('the default alias is never reused within an app', () => {
  test('every construct given no key of one stack shares PlatformKey.of: one key, one alias', () => {
    const s = stack();
    new AlertTopic(s, 'AlertsA');
    new AlertTopic(s, 'AlertsB');
    new BedrockAuditTrail(s, 'Trail');
    new ModelInvocationLogging(s, 'Logging');
    const template = Template.fromStack(s);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.resourcePropertiesCountIs('AWS::KMS::Alias', { AliasName: 'alias/bedrock-platform/S/default' }, 1);
    template.resourceCountIs('AWS::KMS::Alias', 1);
  });

  test('two stacks of one account and Region each get their own default alias (the stack name is in it)', () => {
    const app = new App();
    const a = new Stack(app, 'A', { env: ENV });
    const b = new Stack(app, 'B', { env: ENV });
    expect(PlatformKey.of(a).node.path).toBe('A/BedrockPlatformDefaultKey');
    new AlertTopic(a, 'Alerts');
    new AlertTopic(b, 'Alerts');
    expect(Template.fromStack(a).findResources('AWS::KMS::Alias')).not.toEqual(Template.fromStack(b).findResources('AWS::KMS::Alias'));
  });

  test('an explicit alias equal to a default one is a clear error naming both keys', () => {
    const s = stack();
    PlatformKey.of(s);
    expect(() => new PlatformKey(s, 'Mine', { alias: 'alias/bedrock-platform/S/default' })).toThrow(
      /^S\/Mine: invalid alias "alias\/bedrock-platform\/S\/default"\. S\/BedrockPlatformDefaultKey already has this alias in 123456789012\/us-east-1/,
    );
  });

  test('environment-agnostic stacks all deploy to the CLI\'s account and Region: their aliases collide', () => {
    const app = new App();
    new PlatformKey(new Stack(app, 'One'), 'Key', { alias: 'alias/shared' });
    expect(() => new PlatformKey(new Stack(app, 'Two'), 'Key', { alias: 'alias/shared' })).toThrow(
      /^Two\/Key: invalid alias "alias\/shared"\. One\/Key already has this alias in the environment-agnostic stacks/,
    );
    expect(deploymentTarget(new Stack(app, 'Three'))).toBe(deploymentTarget(new Stack(app, 'Four')));
  });

  test('the same alias in two Regions is fine', () => {
    const app = new App();
    new PlatformKey(new Stack(app, 'East', { env: ENV }), 'Key', { alias: 'alias/shared' });
    expect(() => new PlatformKey(new Stack(app, 'West', { env: { ...ENV, region: 'us-west-2' } }), 'Key', { alias: 'alias/shared' })).not.toThrow();
  });
});

describe('acknowledgement ids', () => {
  const policyIn = (s: Stack) => new iam.ManagedPolicy(s, 'Policy', { statements: [new iam.PolicyStatement({ actions: ['cloudtrail:GetTrail'], resources: ['*'] })] });

  test('a `{x}` in a trail ARN is a library error naming the value, not "Mismatched closing brace"', () => {
    const s = stack();
    const arn = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/{x}*';
    const policy = policyIn(s);
    const call = () => acknowledgeWildcardResources(policy, [arn], 'reason');
    expect(call).toThrow(PlatformValidationError);
    expect(call).toThrow(/^S\/Policy: invalid resources "arn:aws:cloudtrail:us-east-1:123456789012:trail\/\{x\}\*"\. The resource has an unpaired '\{'/);
    expect(() => wildcardResourceFinding(s, 'arn:aws:s3:::bucket(/*')).toThrow(/unpaired '\('/);
  });

  test('paired brackets and policy variables are acknowledged as cdk-nag names them', () => {
    const s = stack();
    expect(wildcardResourceFinding(s, 'arn:aws:s3:::bucket/home/${aws:username}/*')).toBe('AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/home/<aws:username>/*]');
    expect(wildcardResourceFinding(s, 'arn:aws:s3:::bucket/copy (1)/*')).toBe('AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/copy (1)/*]');
    expect(() => acknowledgeWildcardResources(policyIn(s), ['arn:aws:s3:::bucket/[a]/*'], 'reason')).not.toThrow();
  });

  test.each([
    ['a{b}c', undefined],
    ['a{b', '{'],
    ['a]b', ']'],
    ['a(b]', ']'],
    ['(([]))', undefined],
  ])('unpairedBracket(%j) is %j', (text, expected) => {
    expect(unpairedBracket(text)).toBe(expected);
  });
});
