import { Stack } from 'aws-cdk-lib';
import { BedrockAuditTrail, HighRiskActivityAlerts, ModelInvocationLogging } from '../../lib/governance';
import { AlertTopic } from '../../lib/governance/alert-topic';
import { PublicPath } from '../../lib/network';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

// Two stacks of one app (model invocation logging is one per account and Region, so the second one
// is in another Region), each with two of every construct that takes a key, and no key passed.
const ENVS = { One: { account: '123456789012', region: 'us-east-1' }, Two: { account: '123456789012', region: 'eu-west-1' } } as const;

const synth = synthesize((app) => {
  for (const [name, env] of Object.entries(ENVS)) {
    const stack = new Stack(app, name, { env });
    const constructs = [
      () => new BedrockAuditTrail(stack, 'FirstTrail'),
      () => new BedrockAuditTrail(stack, 'SecondTrail', { multiRegion: false }),
      () => new ModelInvocationLogging(stack, 'InvocationLogging'),
      () => new HighRiskActivityAlerts(stack, 'FirstAlerts'),
      () => new HighRiskActivityAlerts(stack, 'SecondAlerts'),
      () => new AlertTopic(stack, 'FirstTopic'),
      () => new AlertTopic(stack, 'SecondTopic'),
      () => new PublicPath(stack, 'FirstPath', { maxAzs: 1 }),
      () => new PublicPath(stack, 'SecondPath', { maxAzs: 1, vpcCidr: '10.1.0.0/16' }),
    ];
    // The second stack creates them the other way round: a flow log asks for the key first there.
    (name === 'Two' ? constructs.reverse() : constructs).forEach((create) => create());
  }
});

const resources = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);

/** Logical ids of every KMS key a resource of `stack` names (Ref or GetAtt), wherever it does. */
function referencedKeys(stack: string): Set<string> {
  const keys = new Set(resources(stack, 'AWS::KMS::Key').map(([id]) => id));
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    const ref = typeof o.Ref === 'string' ? o.Ref : Array.isArray(o['Fn::GetAtt']) ? (o['Fn::GetAtt'] as string[])[0] : undefined;
    if (ref && keys.has(ref)) found.add(ref);
    Object.values(o).forEach(walk);
  };
  for (const [, r] of Object.entries(synth.json[stack].Resources as Record<string, any>)) if (r.Type !== 'AWS::KMS::Key') walk(r.Properties);
  return found;
}

describe('two of each construct that takes a key, no key passed', () => {
  test.each(Object.keys(ENVS))('stack %s synthesizes with one default key, at the same stable logical id', (stack) => {
    const keys = resources(stack, 'AWS::KMS::Key');
    expect(keys.map(([id]) => id)).toEqual([expect.stringMatching(/^BedrockPlatformDefaultKey[0-9A-F]{8}$/)]);
    expect(keys[0][1].DeletionPolicy).toBe('Retain');
    expect(resources(stack, 'AWS::KMS::Alias').map(([, a]) => a.Properties.AliasName)).toEqual([`alias/bedrock-platform/${stack}/default`]);
    // Everything encrypted names that one key: trails, log groups, buckets, topics, queues.
    expect([...referencedKeys(stack)]).toEqual([keys[0][0]]);
  });

  test('the default key has the same logical id in every stack, whichever construct asked for it first', () => {
    expect(resources('One', 'AWS::KMS::Key')[0][0]).toBe(resources('Two', 'AWS::KMS::Key')[0][0]);
  });

  test.each(Object.keys(ENVS))('the key policy of stack %s admits exactly the services its constructs declared', (stack) => {
    const [[, key]] = resources(stack, 'AWS::KMS::Key');
    const policy = resolveIntrinsics(key.Properties.KeyPolicy, ENVS[stack as keyof typeof ENVS]);
    expect((policy.Statement as any[]).map((s) => s.Sid ?? s.Principal)).toEqual([
      { AWS: 'arn:aws:iam::123456789012:root' },
      'DenyGrantsExceptForAwsResources',
      'AllowCloudWatchLogsForThisAccountsLogGroups',
      'AllowCloudTrailToEncryptThisAccountsTrails',
      'AllowCloudTrailToDescribeKey',
      'AllowBedrockLogDeliveryForThisAccount',
      'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
      'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues',
      // no Budgets: nothing here publishes budget alerts
    ]);
  });

  test.each(Object.keys(ENVS))('stack %s: each alert construct has its own topic, admitting exactly its own rules and alarms; alarm names are unique', (stack) => {
    // Two trails' alerts, the invocation-logging alarms, two HighRiskActivityAlerts, two AlertTopics.
    expect(resources(stack, 'AWS::SNS::Topic')).toHaveLength(7);
    const policies = resources(stack, 'AWS::SNS::TopicPolicy');
    const statementOf = (topicRef: string, sid: string) => {
      const [, policy] = policies.find(([, p]) => p.Properties.Topics.some((t: any) => t.Ref === topicRef))!;
      const statements = policy.Properties.PolicyDocument.Statement as any[];
      expect(new Set(statements.map((st) => st.Sid)).size).toBe(statements.length);
      return statements.find((st) => st.Sid === sid);
    };
    for (const [ruleId, rule] of resources(stack, 'AWS::Events::Rule')) {
      expect(statementOf(rule.Properties.Targets[0].Arn.Ref, 'AllowTheseEventBridgeRulesToPublish').Condition.ArnEquals['aws:SourceArn']).toContainEqual({ 'Fn::GetAtt': [ruleId, 'Arn'] });
    }
    const alarms = resources(stack, 'AWS::CloudWatch::Alarm');
    for (const [alarmId, alarm] of alarms) {
      expect(statementOf(alarm.Properties.AlarmActions[0].Ref, 'AllowTheseCloudWatchAlarmsToPublish').Condition.ArnEquals['aws:SourceArn']).toContainEqual({ 'Fn::GetAtt': [alarmId, 'Arn'] });
    }
    const names = alarms.map(([, a]) => a.Properties.AlarmName);
    expect(new Set(names).size).toBe(names.length);
  });

  test('every compliance pack passes; the templates deploy (no alias or name collides)', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});
