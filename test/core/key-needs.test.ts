import { App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { declareKeyNeeds, KEY_POLICY_WARNING, KeyConsumer, keyNeedsOf, PlatformKey } from '../../lib/core';
import { SecureLogGroup, SecureTopic } from '../../lib/data-protection';
import { HighRiskActivity, HighRiskActivityAlerts } from '../../lib/governance';
import { cdkJsonContext, synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const stack = (app = new App({ context: cdkJsonContext() }), id = 'S') => new Stack(app, id, { env: ENV });

/** Sids (or the principal, for the root statement) of the one key of `s`. */
const keyPolicySids = (s: Stack) => {
  const keys = Object.values(Template.fromStack(s).toJSON().Resources as Record<string, any>).filter((r) => r.Type === 'AWS::KMS::Key');
  expect(keys).toHaveLength(1);
  return (keys[0].Properties.KeyPolicy.Statement as any[]).map((st) => st.Sid ?? st.Principal);
};
const keyPolicyWarnings = (s: Stack) => Annotations.fromStack(s).findWarning('*', Match.stringLikeRegexp(KEY_POLICY_WARNING));
/** Alerts on one activity: an encrypted topic (EventBridge rules and a CloudWatch alarm publish to it) and an encrypted dead-letter queue (EventBridge writes to it). */
const alerts = (s: Stack, encryptionKey: kms.IKey) => new HighRiskActivityAlerts(s, 'Alerts', { encryptionKey, activities: [HighRiskActivity.KEY_DISABLEMENT] });

describe('key needs, derived', () => {
  test('a stack with only a log group: its default key admits CloudWatch Logs and nothing else', () => {
    const s = stack();
    new SecureLogGroup(s, 'Logs', { encryptionKey: PlatformKey.of(s).key });
    expect(keyPolicySids(s)).toEqual([{ AWS: 'arn:aws:iam::123456789012:root' }, 'DenyGrantsExceptForAwsResources', 'AllowCloudWatchLogsForThisAccountsLogGroups']);
    expect(PlatformKey.of(s).consumers).toEqual([KeyConsumer.CLOUDWATCH_LOGS]);
  });

  test('needs declared after the key exists, through its alias or from another stack, are admitted; the order is that of KeyConsumer', () => {
    const app = new App({ context: cdkJsonContext() });
    const s = stack(app);
    const key = new PlatformKey(s, 'Key');
    alerts(s, key.alias); // EventBridge and CloudWatch alarms, declared through the alias
    const other = stack(app, 'Other');
    new SecureLogGroup(other, 'Logs', { encryptionKey: key.key }); // CloudWatch Logs, from a stack created later
    expect(keyPolicySids(s)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
      'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues',
    ]);
    expect(keyNeedsOf(key.alias).map((n) => `${n.consumer} ${n.user.node.path}`).sort()).toEqual([
      'cloudwatch S/Alerts/Alerts',
      'events S/Alerts/Alerts',
      'events S/Alerts/UndeliveredAlerts',
      'logs Other/Logs',
    ]);
  });

  test('a construct of your own declares its needs the same way; an unknown key records nothing', () => {
    const s = stack();
    const key = PlatformKey.of(s);
    const budgetAlerts = new SecureTopic(s, 'BudgetAlerts', { encryptionKey: key.key });
    declareKeyNeeds(budgetAlerts, key.key, [KeyConsumer.BUDGETS]);
    declareKeyNeeds(budgetAlerts, undefined, [KeyConsumer.CLOUDTRAIL]);
    expect(keyPolicySids(s).slice(2)).toEqual(['AllowBudgetsToPublishToEncryptedTopics']);
  });

  test('a PlatformKey gets no key-policy warning, whatever uses it', () => {
    const s = stack();
    alerts(s, PlatformKey.of(s).key);
    expect(keyPolicyWarnings(s)).toEqual([]);
  });
});

describe('a key of your own: synth says what its policy lacks', () => {
  test('a kms.Key of the app without the EventBridge statement: one warning naming that statement, its principal and who needs it', () => {
    const s = stack();
    const key = new kms.Key(s, 'HandMade', { enableKeyRotation: true });
    for (const statement of PlatformKey.consumerStatements(s, [KeyConsumer.CLOUDWATCH_ALARMS])) key.addToResourcePolicy(statement);
    alerts(s, key);
    const warnings = keyPolicyWarnings(s);
    expect(warnings.map((w) => w.id)).toEqual(['/S/HandMade']);
    const message = String(warnings[0].entry.data);
    expect(message).toMatch(
      /^The policy of key S\/HandMade lacks statements .*: AllowEventBridgeToDeliverToEncryptedTopicsAndQueues \(principal events\.amazonaws\.com, kms:Decrypt kms:GenerateDataKey\*\) for S\/Alerts\/Alerts, S\/Alerts\/UndeliveredAlerts\. Add PlatformKey\.consumerStatements\(stack, \[KeyConsumer\.EVENTBRIDGE\]\)/,
    );
    expect(message).not.toContain('AllowCloudWatchAlarmsToPublishToEncryptedTopics'); // present: not asked for
  });

  test('a kms.Key whose policy has what is needed, in its own words (broader actions, another Sid), gets no warning; one beside it that lacks it does', () => {
    const s = stack();
    const complete = new kms.Key(s, 'Complete', { enableKeyRotation: true });
    complete.addToResourcePolicy(
      new iam.PolicyStatement({ sid: 'Publishers', principals: [new iam.ServicePrincipal('events.amazonaws.com'), new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions: ['kms:*'], resources: ['*'] }),
    );
    alerts(s, complete);
    const lacking = new kms.Key(s, 'Lacking', { enableKeyRotation: true });
    lacking.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['kms:Decrypt'], resources: ['*'] })); // no GenerateDataKey
    new HighRiskActivityAlerts(s, 'MoreAlerts', { encryptionKey: lacking, activities: [HighRiskActivity.GUARDRAIL_CHANGES] });
    expect(keyPolicyWarnings(s).map((w) => w.id)).toEqual(['/S/Lacking']);
  });

  test('a statement for the wrong service, or a Deny, does not count', () => {
    const s = stack();
    const key = new kms.Key(s, 'HandMade', { enableKeyRotation: true });
    key.addToResourcePolicy(new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('logs.amazonaws.com')], actions: ['kms:*'], resources: ['*'] })); // not the Regional principal
    key.addToResourcePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.ServicePrincipal('logs.us-east-1.amazonaws.com')], actions: ['kms:*'], resources: ['*'] }));
    new SecureLogGroup(s, 'Logs', { encryptionKey: key });
    expect(keyPolicyWarnings(s).map((w) => String(w.entry.data))).toEqual([expect.stringMatching(/AllowCloudWatchLogsForThisAccountsLogGroups \(principal logs\.us-east-1\.amazonaws\.com, /)]);
  });

  test.each([
    ['PlatformKey.fromPlatformKeyAttributes', (s: Stack) => PlatformKey.fromPlatformKeyAttributes(s, 'Imported', { keyArn: KEY_ARN }).key],
    ['kms.Key.fromKeyArn', (s: Stack) => kms.Key.fromKeyArn(s, 'Imported', KEY_ARN)],
  ])('an imported key (%s): one warning listing every statement its owner must have added', (_name, importKey) => {
    const s = stack();
    const key = importKey(s);
    new SecureLogGroup(s, 'Logs', { encryptionKey: key });
    alerts(s, key);
    // Another imported key that nothing of the library hands to a service: nothing to say about it.
    new sns.Topic(s, 'Plain', { masterKey: PlatformKey.fromPlatformKeyAttributes(s, 'Unused', { keyArn: KEY_ARN.replace('1234abcd', '5678abcd') }).key });
    const warnings = keyPolicyWarnings(s);
    expect(warnings.map((w) => w.id)).toEqual([`/${key.node.path}`]);
    const message = String(warnings[0].entry.data);
    expect(message).toMatch(/^Key S\/Imported(\/Key)? is imported: its policy cannot be read or edited here\. Its owner must have added these statements \(PlatformKey\.consumerStatements\(stack, \[KeyConsumer\.CLOUDWATCH_LOGS, KeyConsumer\.CLOUDWATCH_ALARMS, KeyConsumer\.EVENTBRIDGE\]\)\)/);
    for (const expected of [
      'AllowCloudWatchLogsForThisAccountsLogGroups (principal logs.us-east-1.amazonaws.com, kms:Encrypt* kms:Decrypt* kms:ReEncrypt* kms:GenerateDataKey* kms:Describe*) for S/Logs',
      'AllowCloudWatchAlarmsToPublishToEncryptedTopics (principal cloudwatch.amazonaws.com, kms:Decrypt kms:GenerateDataKey*) for S/Alerts/Alerts',
      'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues (principal events.amazonaws.com, kms:Decrypt kms:GenerateDataKey*) for S/Alerts/Alerts, S/Alerts/UndeliveredAlerts',
    ]) {
      expect(message).toContain(expected);
    }
  });

  test('in the validation report the warning is a finding, until the owner acknowledges it next to the key once the statements are in place', () => {
    const synth = synthesize(
      (app) => {
        for (const acknowledged of [false, true]) {
          const s = stack(app, acknowledged ? 'Acknowledged' : 'Open');
          const key = PlatformKey.fromPlatformKeyAttributes(s, 'Imported', { keyArn: KEY_ARN }).key;
          new SecureLogGroup(s, 'Logs', { encryptionKey: key });
          if (acknowledged) Validations.of(key).acknowledge({ id: `Annotation::${KEY_POLICY_WARNING}`, reason: 'The key policy has the CloudWatch Logs statement (change SEC-123).' });
        }
      },
      { nag: false },
    );
    expect(synth.compliance.findings.map((f) => `${f.rule} ${f.path}`)).toEqual([`Annotation::${KEY_POLICY_WARNING} Open/Imported/Key`]);
  });
});
