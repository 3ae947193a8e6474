import { App, CfnElement, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PlatformValidationError } from '../../lib';
import {
  BedrockOperatorPolicy,
  BedrockOperatorPolicyProps,
  BedrockOperatorRole,
  PersonaTrust,
  PLATFORM_ALARM_NAME_PREFIX,
  PLATFORM_AUDIT_ALARM_NAME_PREFIX,
} from '../../lib/identity';
import { Decision, decide } from '../kit/iam';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';
import { identityPoliciesOf } from './policies';

/*
 * The operator persona at its defaults may manage only the platform's alarms and may only read the
 * invocation-logging configuration; wider access needs an explicit opt-in. Evaluated by a real IAM
 * policy evaluator (iam-simulate) against the policies as synthesized.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const alarm = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;
const PLATFORM_ALARM = alarm(`${PLATFORM_ALARM_NAME_PREFIX}provisioned-throughput-utilization`);
const OTHER_ALARM = alarm('SomeoneElsesAlarm');
const AUDIT_ALARM = alarm(`${PLATFORM_AUDIT_ALARM_NAME_PREFIX}invocation-logs-s3-delivery-failure`);
const LOGGING_ROLE = 'arn:aws:iam::123456789012:role/invocation-logging';
const ALARM_WRITES = ['cloudwatch:DeleteAlarms', 'cloudwatch:DisableAlarmActions', 'cloudwatch:SetAlarmState', 'cloudwatch:PutMetricAlarm'];
const LOGGING_WRITES = ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'];

const ids: Record<string, string> = {};
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Operators', { env: ENV });
  const trust = PersonaTrust.accounts(['123456789012']);
  const loggingRole = new iam.Role(stack, 'InvocationLoggingRole', { assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com') });
  const roles = {
    // The logging role is passed, as the platform does, but without the opt-in it must not be passable.
    defaults: new BedrockOperatorRole(stack, 'Defaults', { trust, invocationLoggingRole: loggingRole }),
    loggingOptIn: new BedrockOperatorRole(stack, 'LoggingOptIn', { trust, invocationLoggingRole: loggingRole, allowInvocationLoggingChanges: true }),
    allAlarms: new BedrockOperatorRole(stack, 'AllAlarms', { trust, allowAllAlarms: true }),
    wideCustomPrefix: new BedrockOperatorRole(stack, 'WideCustomPrefix', { trust, alarmNamePrefix: 'bedrock-' }),
  };
  for (const [name, persona] of Object.entries(roles)) ids[name] = stack.getLogicalId(persona.role.node.defaultChild as CfnElement);
  ids.loggingRole = stack.getLogicalId(loggingRole.node.defaultChild as CfnElement);
});

const env = () => ({ ...ENV, attributes: { [`${ids.loggingRole}.Arn`]: LOGGING_ROLE } });
const evaluate = (persona: string, action: string, resource: string, context?: Record<string, string>): Promise<Decision> =>
  decide({ principal: `arn:aws:iam::123456789012:role/${persona}`, action, resource, context }, { identity: identityPoliciesOf(synth.json.Operators, ids[persona], env()) });

describe('operator at its defaults (synthesized policies, real IAM evaluation)', () => {
  test.each(ALARM_WRITES)('%s on an alarm named with the platform prefix: allowed', async (action) => {
    expect(await evaluate('defaults', action, PLATFORM_ALARM)).toBe('Allowed');
  });

  test.each(ALARM_WRITES)("%s on someone else's alarm: not allowed", async (action) => {
    expect(await evaluate('defaults', action, OTHER_ALARM)).toBe('ImplicitlyDenied');
  });

  test.each(ALARM_WRITES)('%s on an audit alarm: explicitly denied', async (action) => {
    expect(await evaluate('defaults', action, AUDIT_ALARM)).toBe('ExplicitlyDenied');
  });

  test('reads every alarm, the audit alarms included', async () => {
    expect(await evaluate('defaults', 'cloudwatch:DescribeAlarms', '*')).toBe('Allowed');
    expect(await evaluate('defaults', 'cloudwatch:DescribeAlarmHistory', AUDIT_ALARM)).toBe('Allowed');
  });

  test('reads the invocation-logging configuration', async () => {
    expect(await evaluate('defaults', 'bedrock:GetModelInvocationLoggingConfiguration', '*')).toBe('Allowed');
  });

  test.each(LOGGING_WRITES)('%s: explicitly denied (the deployment owns the setting)', async (action) => {
    expect(await evaluate('defaults', action, '*')).toBe('ExplicitlyDenied');
  });

  test('cannot pass the logging delivery role', async () => {
    expect(await evaluate('defaults', 'iam:PassRole', LOGGING_ROLE, { 'iam:PassedToService': 'bedrock.amazonaws.com' })).toBe('ImplicitlyDenied');
  });
});

describe('operator opt-ins', () => {
  test.each(LOGGING_WRITES)('%s: allowed with allowInvocationLoggingChanges', async (action) => {
    expect(await evaluate('loggingOptIn', action, '*')).toBe('Allowed');
  });

  test('with allowInvocationLoggingChanges, passes the logging role to Bedrock only', async () => {
    expect(await evaluate('loggingOptIn', 'iam:PassRole', LOGGING_ROLE, { 'iam:PassedToService': 'bedrock.amazonaws.com' })).toBe('Allowed');
    expect(await evaluate('loggingOptIn', 'iam:PassRole', LOGGING_ROLE, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitlyDenied');
  });

  test.each(ALARM_WRITES)("%s on someone else's alarm: allowed with allowAllAlarms, the audit alarms still denied", async (action) => {
    expect(await evaluate('allAlarms', action, OTHER_ALARM)).toBe('Allowed');
    expect(await evaluate('allAlarms', action, AUDIT_ALARM)).toBe('ExplicitlyDenied');
  });

  test('a custom prefix that covers the audit alarms still leaves them denied', async () => {
    expect(await evaluate('wideCustomPrefix', 'cloudwatch:DisableAlarmActions', alarm('bedrock-latency'))).toBe('Allowed');
    expect(await evaluate('wideCustomPrefix', 'cloudwatch:DisableAlarmActions', AUDIT_ALARM)).toBe('ExplicitlyDenied');
    expect(await evaluate('wideCustomPrefix', 'cloudwatch:DisableAlarmActions', OTHER_ALARM)).toBe('ImplicitlyDenied');
  });

  test('nag clean; every acknowledgement is granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});

describe('operator alarm-prefix validation', () => {
  const build = (props: BedrockOperatorPolicyProps) => () => new BedrockOperatorPolicy(new Stack(new App(), 'S', { env: ENV }), 'P', props);
  const expectInvalid = (props: BedrockOperatorPolicyProps, message: RegExp) => {
    let error: unknown;
    try {
      build(props)();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PlatformValidationError);
    expect((error as PlatformValidationError).prop).toBe('alarmNamePrefix');
    expect((error as Error).message).toMatch(/^S\/P: invalid alarmNamePrefix /);
    expect((error as Error).message).toMatch(message);
  };

  test('refuses an empty prefix, naming the opt-in', () => {
    expectInvalid({ alarmNamePrefix: '' }, /invalid alarmNamePrefix ""\. An empty prefix would let the operator delete, disable and set the state of every alarm .*'bedrock-platform-' \(the default\), or set allowAllAlarms: true/);
  });

  test.each<[string, string, string]>([
    ['a wildcard *', 'bedrock-*', '"bedrock-\\*"'],
    ['a wildcard ?', 'bedrock-?', '"bedrock-\\?"'],
    ['a policy variable', 'bedrock-${aws:username}-', '"bedrock-\\$\\{aws:username\\}-"'],
    ['a control character', 'bedrock-\n', '"bedrock-\\\\n"'],
    ['a character IAM policies refuse (outside U+0020 to U+00FF)', 'bedrock-€-', '"bedrock-€-"'],
    ['more than 255 characters', 'a'.repeat(256), `"a{256}"`],
  ])('refuses %s', (_name, prefix, shown) => {
    expectInvalid({ alarmNamePrefix: prefix }, new RegExp(`invalid alarmNamePrefix ${shown}\\. Must be an alarm-name prefix of 1 to 255 characters from U\\+0020 to U\\+00FF .*without the IAM wildcards \\* and \\? or a policy variable \\$\\{`));
  });

  test('refuses a prefix inside the audit alarms', () => {
    expectInvalid({ alarmNamePrefix: `${PLATFORM_AUDIT_ALARM_NAME_PREFIX}x-` }, /invalid alarmNamePrefix "bedrock-audit-x-"\. Alarms named 'bedrock-audit-\.\.\.' watch the audit/);
  });

  test('refuses a prefix together with allowAllAlarms', () => {
    expectInvalid({ alarmNamePrefix: 'bedrock-', allowAllAlarms: true }, /invalid alarmNamePrefix "bedrock-"\. allowAllAlarms is set/);
  });

  test.each([
    ['the default', {}],
    ['every alarm, asked for explicitly', { allowAllAlarms: true }],
    ['every alarm, asked for explicitly with an empty prefix', { alarmNamePrefix: '', allowAllAlarms: true }],
    ['spaces, colons, $ and Latin-1 letters', { alarmNamePrefix: 'Équipe IA: $coût ' }],
    ['a token (checked at deploy time)', { alarmNamePrefix: Token.asString({ Ref: 'AlarmPrefix' }) }],
  ])('accepts %s', (_name, props) => {
    expect(build(props as BedrockOperatorPolicyProps)).not.toThrow();
  });
});
