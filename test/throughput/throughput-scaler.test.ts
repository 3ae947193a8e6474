import { App, Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BedrockModel, PlatformKey } from '../../lib/core';
import { AlertTopic, HighRiskActivityAlerts, HighRiskActivity } from '../../lib/governance';
import {
  IdleProvisionedThroughputAlarm,
  ProvisionedThroughput,
  THROUGHPUT_POOL_CHANGED,
  THROUGHPUT_POOL_EVENT_SOURCE,
  THROUGHPUT_POOL_TAG,
  THROUGHPUT_SCALER_NAMESPACE,
  ThroughputScaler,
  ThroughputScalerProps,
} from '../../lib/throughput';
import { PlatformValidationError } from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const NOVA = BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k');
const COMMITTED_ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';
const PROVISIONED = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/*';

// One synthesis: the scaler (every option), an idle alarm, and the high-risk alerts with the scaler exempted.
const synth = synthesize((app) => {
  const s = new Stack(app, 'Pool', { env: ENV });
  const key = new PlatformKey(s, 'Key');
  const alerts = new AlertTopic(s, 'Alerts', { encryptionKey: key.key });
  const pool = new ThroughputScaler(s, 'Scaler', {
    model: NOVA,
    poolName: 'nova-pool',
    minModelUnits: 1,
    maxModelUnits: 6,
    scheduledFloors: [
      { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '8', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS }), modelUnits: 3 },
      { schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '19', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS }), modelUnits: 0 },
    ],
    monthlyModelUnitHourCap: 2000,
    cooldown: Duration.minutes(45),
    overflow: BedrockModel.crossRegionProfile('us.amazon.nova-lite-v1:0'),
    countOverflowDemand: true,
    encryptionKey: key.key,
  });
  const committed = ProvisionedThroughput.fromProvisionedThroughputArn(s, 'Committed', COMMITTED_ARN);
  new IdleProvisionedThroughputAlarm(s, 'Idle', { throughput: committed, alertTopic: alerts });
  const highRisk = new HighRiskActivityAlerts(s, 'HighRisk', { alertTopic: alerts, encryptionKey: key.key });
  highRisk.exemptAutomation(pool.role.roleArn, ['CreateProvisionedModelThroughput', 'DeleteProvisionedModelThroughput']);
  const client = new iam.Role(s, 'Client', { assumedBy: new iam.AccountRootPrincipal() });
  pool.grantReadPool(client);
  pool.grantInvoke(client);
  for (const id of ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy']) {
    Validations.of(client).acknowledge({ id, reason: 'A test client: grants land in its default policy.' });
  }
});

const template = synth.json.Pool;
const resources = (type: string) => Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const byPath = (path: string) => template.Resources[synth.logicalId(path)];
const statements = (path: string) => byPath(path).Properties.PolicyDocument.Statement;
const ref = (path: string) => ({ Ref: synth.logicalId(path) });
const getAtt = (path: string, attr = 'Arn') => ({ 'Fn::GetAtt': [synth.logicalId(path), attr] });

describe('ThroughputScaler', () => {
  test('zero unacknowledged findings under every pack and the Control Tower rules; each acknowledgement has a reason', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('the function policy, exactly: buy this model, delete only its own pool\'s throughputs, publish its pool, nothing else', () => {
    const key = getAtt('Pool/Key/Key/Resource');
    expect(statements('Pool/Scaler/Policy/Resource')).toEqual([
      { Sid: 'BuyThroughputOfThisModel', Effect: 'Allow', Action: 'bedrock:CreateProvisionedModelThroughput', Resource: [PROVISIONED, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:24k'] },
      {
        Sid: 'TagPurchaseAsThisPools',
        Effect: 'Allow',
        Action: 'bedrock:TagResource',
        Resource: PROVISIONED,
        Condition: { 'StringEquals': { [`aws:RequestTag/${THROUGHPUT_POOL_TAG}`]: 'nova-pool' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': [THROUGHPUT_POOL_TAG] } },
      },
      { Sid: 'DeleteOnlyThisPoolsThroughputs', Effect: 'Allow', Action: 'bedrock:DeleteProvisionedModelThroughput', Resource: PROVISIONED, Condition: { StringEquals: { [`aws:ResourceTag/${THROUGHPUT_POOL_TAG}`]: 'nova-pool' } } },
      { Sid: 'ReadThroughputOwnership', Effect: 'Allow', Action: 'bedrock:ListTagsForResource', Resource: PROVISIONED },
      { Sid: 'ListThroughputs', Effect: 'Allow', Action: 'bedrock:ListProvisionedModelThroughputs', Resource: '*' },
      { Sid: 'ReadMetricsAndAlarms', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'], Resource: '*' },
      { Sid: 'PublishDecisionMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': THROUGHPUT_SCALER_NAMESPACE } } },
      { Sid: 'KeepThrottleAlarms', Effect: 'Allow', Action: ['cloudwatch:DeleteAlarms', 'cloudwatch:PutMetricAlarm'], Resource: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:nova-pool-throttles-*' },
      {
        Sid: 'ReadWriteScalerParameters',
        Effect: 'Allow',
        Action: ['ssm:GetParameter', 'ssm:PutParameter'],
        Resource: [
          { 'Fn::Join': ['', ['arn:aws:ssm:us-east-1:123456789012:parameter/', ref('Pool/Scaler/PoolParameter/Resource')]] },
          { 'Fn::Join': ['', ['arn:aws:ssm:us-east-1:123456789012:parameter/', ref('Pool/Scaler/StateParameter/Resource')]] },
        ],
      },
      { Sid: 'PublishPoolChanges', Effect: 'Allow', Action: 'events:PutEvents', Resource: 'arn:aws:events:us-east-1:123456789012:event-bus/default', Condition: { StringEquals: { 'events:source': THROUGHPUT_POOL_EVENT_SOURCE } } },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: getAtt('Pool/Scaler/Logs/Resource') },
      { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      { Sid: 'DeadLetterFailedEvents', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: getAtt('Pool/Scaler/DeadLetterQueue/Resource') },
      { Sid: 'EncryptDeadLetters', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key, Condition: { StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } } },
    ]);
    const role = byPath('Pool/Scaler/Role/Resource');
    expect(role.Properties.ManagedPolicyArns).toEqual([ref('Pool/Scaler/Policy/Resource')]);
    expect(role.Properties.Policies).toBeUndefined();
  });

  test('the schedules\' role can invoke only this function (not its versions), trusted by Scheduler of this account only', () => {
    const fn = getAtt('Pool/Scaler/Function/Resource');
    expect(statements('Pool/Scaler/SchedulerPolicy/Resource').map((s: any) => [s.Sid, s.Action, s.Resource])).toEqual([
      ['InvokeScaler', 'lambda:InvokeFunction', fn],
      ['DeadLetterUndelivered', 'sqs:SendMessage', getAtt('Pool/Scaler/DeadLetterQueue/Resource')],
      ['EncryptDeadLetters', ['kms:Decrypt', 'kms:GenerateDataKey'], getAtt('Pool/Key/Key/Resource')],
    ]);
    expect(byPath('Pool/Scaler/SchedulerRole/Resource').Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnEquals: { 'aws:SourceArn': 'arn:aws:scheduler:us-east-1:123456789012:schedule-group/default' } },
      },
    ]);
  });

  test('a reconcile every minute, and each floor by its cron in its time zone; all after the drain resource', () => {
    const every = byPath('Pool/Scaler/EveryMinute');
    expect(every.Properties.ScheduleExpression).toBe('rate(1 minute)');
    expect(every.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(JSON.parse(every.Properties.Target.Input)).toEqual({ scalerEvent: 'tick', scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(every.Properties.Target).toMatchObject({ Arn: getAtt('Pool/Scaler/Function/Resource'), RoleArn: getAtt('Pool/Scaler/SchedulerRole/Resource'), DeadLetterConfig: { Arn: getAtt('Pool/Scaler/DeadLetterQueue/Resource') } });
    const floors = [byPath('Pool/Scaler/Floor0'), byPath('Pool/Scaler/Floor1')];
    expect(floors.map((f) => [f.Properties.ScheduleExpression, f.Properties.ScheduleExpressionTimezone, JSON.parse(f.Properties.Target.Input).floorModelUnits])).toEqual([
      ['cron(0 8 ? * MON-FRI *)', 'Europe/Paris', 3],
      ['cron(0 19 ? * MON-FRI *)', 'Europe/Paris', 0],
    ]);
    const drain = synth.logicalId('Pool/Scaler/Drain/Default');
    for (const s of [every, ...floors]) expect(s.DependsOn).toContain(drain);
    expect(byPath('Pool/Scaler/ThrottleAlarmRule/Resource').DependsOn).toContain(drain);
    // The drain is created after (deleted before) the function, its policy, its log group and the parameters.
    expect(byPath('Pool/Scaler/Drain/Default').DependsOn).toEqual(
      expect.arrayContaining(['Pool/Scaler/Function/Resource', 'Pool/Scaler/Policy/Resource', 'Pool/Scaler/Logs/Resource', 'Pool/Scaler/PoolParameter/Resource', 'Pool/Scaler/StateParameter/Resource'].map((p) => synth.logicalId(p))),
    );
    expect(byPath('Pool/Scaler/Drain/Default').Properties).toEqual({ ServiceToken: getAtt('Pool/Scaler/Function/Resource'), PoolName: 'nova-pool', ServiceTimeout: '300' });
  });

  test('the throttle alarms\' state changes to ALARM run the function, through a permission for that rule only', () => {
    const rule = byPath('Pool/Scaler/ThrottleAlarmRule/Resource');
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      'detail': { alarmName: [{ prefix: 'nova-pool-throttles-' }], state: { value: ['ALARM'] } },
    });
    expect(rule.Properties.Targets[0]).toMatchObject({ Arn: getAtt('Pool/Scaler/Function/Resource'), DeadLetterConfig: { Arn: getAtt('Pool/Scaler/DeadLetterQueue/Resource') } });
    const permissions = resources('AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toEqual([{ Action: 'lambda:InvokeFunction', FunctionName: getAtt('Pool/Scaler/Function/Resource'), Principal: 'events.amazonaws.com', SourceArn: getAtt('Pool/Scaler/ThrottleAlarmRule/Resource') }]);
  });

  test('the function: one run at a time, a dead-letter queue, its own log group kept a year, its settings', () => {
    const fn = byPath('Pool/Scaler/Function/Resource').Properties;
    expect(fn).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 120, MemorySize: 256, Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    expect(fn.DeadLetterConfig).toEqual({ TargetArn: getAtt('Pool/Scaler/DeadLetterQueue/Resource') });
    expect(byPath('Pool/Scaler/Logs/Resource').Properties.RetentionInDays).toBe(365);
    expect(byPath('Pool/Scaler/Logs/Resource').DeletionPolicy).toBe('Retain');
    // Settings: the parameter names are tokens inside the JSON; the rest is literal.
    const parts = fn.Environment.Variables.SCALER_SETTINGS['Fn::Join'][1] as unknown[];
    const text = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    const settings = JSON.parse(text);
    expect(settings).toMatchObject({
      poolName: 'nova-pool',
      modelId: 'amazon.nova-lite-v1:0:24k',
      ownerTagKey: THROUGHPUT_POOL_TAG,
      eventDetailType: THROUGHPUT_POOL_CHANGED,
      overflow: { modelId: 'us.amazon.nova-lite-v1:0', kind: 'inference-profile' },
      overflowMetricModelId: 'us.amazon.nova-lite-v1:0',
      config: { minModelUnits: 1, maxModelUnits: 6, unitSize: 1, cooldownMinutes: 45, monthlyModelUnitHourCap: 2000, scaleOutSustainMinutes: 2, scaleInSustainMinutes: 20 },
    });
  });

  test('the pool parameter starts empty with the overflow; the state parameter starts fresh', () => {
    const pool = byPath('Pool/Scaler/PoolParameter/Resource').Properties;
    expect(pool.Type).toBe('String');
    expect(pool.Name).toBeUndefined();
    expect(JSON.parse(pool.Value)).toEqual({ version: 1, pool: 'nova-pool', model: 'amazon.nova-lite-v1:0:24k', throughputArns: [], modelUnits: 0, overflow: { modelId: 'us.amazon.nova-lite-v1:0', kind: 'inference-profile' } });
    expect(byPath('Pool/Scaler/StateParameter/Resource').Properties.Value).toBe('{"version":1}');
  });

  test('grantReadPool is ssm:GetParameter on the pool parameter; grantInvoke is the pool\'s tagged throughputs only', () => {
    const policy = resources('AWS::IAM::Policy').find(([id]) => id.startsWith('ClientDefaultPolicy'))![1];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: { 'Fn::Join': ['', ['arn:aws:ssm:us-east-1:123456789012:parameter/', ref('Pool/Scaler/PoolParameter/Resource')]] } },
      { Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'], Resource: PROVISIONED, Condition: { StringEquals: { [`aws:ResourceTag/${THROUGHPUT_POOL_TAG}`]: 'nova-pool' } } },
    ]);
  });

  test('metrics: our namespace, dimension Pool', () => {
    const stack = new Stack(new App(), 'M', { env: ENV });
    const pool = new ThroughputScaler(stack, 'S', { model: NOVA, poolName: 'p1' });
    const m = pool.metricInServiceModelUnits();
    expect([m.namespace, m.metricName, m.dimensions, m.statistic, m.period.toMinutes()]).toEqual([THROUGHPUT_SCALER_NAMESPACE, 'InServiceModelUnits', { Pool: 'p1' }, 'Maximum', 1]);
    expect(pool.metricReconcileErrors().statistic).toBe('Sum');
  });
});

describe('IdleProvisionedThroughputAlarm', () => {
  test('no invocation for 3 whole days (missing data counts as idle) alarms to the topic', () => {
    const alarm = resources('AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('IdleAlarm'))![1].Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/Bedrock',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'ModelId', Value: COMMITTED_ARN }],
      Statistic: 'Sum',
      Period: 86400,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [ref('Pool/Alerts/Topic/Resource')],
    });
  });
});

// ---- The exemption, evaluated against sample CloudTrail events with EventBridge's matching rules. ----

/** EventBridge content filtering, as much as these patterns use: literals, prefix, anything-but, exists, $or. */
function matches(pattern: any, event: any): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as any[]).some((branch) => matches(branch, event));
    const value = event?.[key];
    if (Array.isArray(rule)) {
      return rule.some((r) => {
        if (r !== null && typeof r === 'object') {
          if ('exists' in r) return r.exists ? value !== undefined : value === undefined;
          if (value === undefined) return false;
          if ('anything-but' in r) return !(r['anything-but'] as unknown[]).includes(value);
          if ('prefix' in r) return typeof value === 'string' && value.startsWith(r.prefix);
          return false;
        }
        return value === r;
      });
    }
    return matches(rule, value ?? {});
  });
}

const SCALER_ROLE_ARN = 'arn:aws:iam::123456789012:role/Pool-ScalerRole1234-ABCDEF';
/** The pattern as CloudFormation receives it, with the scaler role's GetAtt replaced by its ARN. */
function patternOf(path: string): any {
  const roleId = synth.logicalId('Pool/Scaler/Role/Resource');
  return JSON.parse(JSON.stringify(byPath(path).Properties.EventPattern).split(JSON.stringify({ 'Fn::GetAtt': [roleId, 'Arn'] })).join(JSON.stringify(SCALER_ROLE_ARN)));
}
const call = (eventName: string, userIdentity: Record<string, unknown>) => ({
  'source': 'aws.bedrock',
  'detail-type': 'AWS API Call via CloudTrail',
  'detail': { eventSource: 'bedrock.amazonaws.com', eventName, userIdentity },
});
const assumed = (roleArn: string) => ({ type: 'AssumedRole', arn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/session`, sessionContext: { sessionIssuer: { type: 'Role', arn: roleArn } } });

describe('high-risk alerts: the scaler\'s own calls are information, anyone else\'s still alert', () => {
  const alert = () => patternOf('Pool/HighRisk/ProvisionedThroughput/Resource');
  const info = () => patternOf('Pool/HighRisk/ProvisionedThroughputAutomation/Resource');

  test.each([
    ['the scaler buys', call('CreateProvisionedModelThroughput', assumed(SCALER_ROLE_ARN)), false, true],
    ['the scaler deletes', call('DeleteProvisionedModelThroughput', assumed(SCALER_ROLE_ARN)), false, true],
    ['another role buys', call('CreateProvisionedModelThroughput', assumed('arn:aws:iam::123456789012:role/Admin')), true, false],
    ['an IAM user deletes (no session issuer)', call('DeleteProvisionedModelThroughput', { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/bob' }), true, false],
    ['the root user buys', call('CreateProvisionedModelThroughput', { type: 'Root', arn: 'arn:aws:iam::123456789012:root' }), true, false],
  ])('%s: alert %s, information %s', (_name, event, alerts, informs) => {
    expect(matches(alert(), event)).toBe(alerts);
    expect(matches(info(), event)).toBe(informs);
  });

  test('the other activities\' rules are unchanged; the information rule goes to the same topic, marked as information', () => {
    expect(byPath('Pool/HighRisk/Guardrails/Resource').Properties.EventPattern).toEqual({
      'source': ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': { eventSource: ['bedrock.amazonaws.com'], eventName: ['UpdateGuardrail', 'DeleteGuardrail', 'PutEnforcedGuardrailConfiguration', 'DeleteEnforcedGuardrailConfiguration'] },
    });
    const target = byPath('Pool/HighRisk/ProvisionedThroughputAutomation/Resource').Properties.Targets[0];
    expect(target.Arn).toEqual(ref('Pool/Alerts/Topic/Resource'));
    expect(target.InputTransformer.InputTemplate).toMatch(/"severity":"information"/);
  });

  test('exemptAutomation refuses names the construct does not watch', () => {
    const stack = new Stack(new App(), 'E', { env: ENV });
    const alerts = new HighRiskActivityAlerts(stack, 'A', { activities: [HighRiskActivity.GUARDRAIL_CHANGES] });
    expect(() => alerts.exemptAutomation('arn:aws:iam::123456789012:role/x', ['CreateProvisionedModelThroughput'])).toThrow(/Not a call this construct alerts on/);
  });
});

describe('validation', () => {
  const build = (props: Partial<ThroughputScalerProps>) => () => new ThroughputScaler(new Stack(new App(), 'V', { env: ENV }), 'S', { model: NOVA, ...props } as ThroughputScalerProps);
  test.each<[string, Partial<ThroughputScalerProps>, RegExp]>([
    ['an inference profile as the pool model', { model: BedrockModel.crossRegionProfile('us.amazon.nova-lite-v1:0') }, /model/],
    ['min above max', { minModelUnits: 5, maxModelUnits: 4 }, /minModelUnits/],
    ['too many throughputs for the parameter', { maxModelUnits: 30 }, /At most 25 throughputs/],
    ['no hysteresis', { scaleOutUtilisation: 0.9, scaleInUtilisation: 0.9 }, /scaleInUtilisation.*Must be below scaleOutUtilisation/],
    ['a cooldown in seconds', { cooldown: Duration.seconds(90) }, /cooldown.*whole minutes/],
    ['an empty pool that cannot see demand', { minModelUnits: 0 }, /An empty pool has no metrics/],
    ['overflow demand without overflow', { countOverflowDemand: true }, /Set overflow too/],
    ['an overflow that is provisioned', { overflow: BedrockModel.provisionedModel(COMMITTED_ARN) }, /overflow/],
    ['a floor above max', { scheduledFloors: [{ schedule: scheduler.ScheduleExpression.cron({ hour: '8', minute: '0' }), modelUnits: 11 }] }, /scheduledFloors\[0\]\.modelUnits/],
    ['a floor on a rate', { scheduledFloors: [{ schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)), modelUnits: 1 }] }, /cron\(\.\.\.\) or at\(\.\.\.\)/],
    ['a cap below the minimum', { monthlyModelUnitHourCap: 0 }, /monthlyModelUnitHourCap/],
    ['a pool name Bedrock refuses', { poolName: 'bad--name' }, /poolName/],
    ['a pool name too long', { poolName: 'a'.repeat(41) }, /at most 40/],
  ])('refuses %s', (_name, props, message) => {
    expect(build(props)).toThrow(PlatformValidationError);
    expect(build(props)).toThrow(message);
  });

  test('the idle alarm refuses more than 7 days (CloudWatch evaluates at most a week)', () => {
    const stack = new Stack(new App(), 'I', { env: ENV });
    const t = ProvisionedThroughput.fromProvisionedThroughputArn(stack, 'T', COMMITTED_ARN);
    expect(() => new IdleProvisionedThroughputAlarm(stack, 'A', { throughput: t, idleDays: 8 })).toThrow(/idleDays/);
  });

  test('the default pool name fits Bedrock\'s name pattern and 40 characters', () => {
    const stack = new Stack(new App(), 'A-Very-Long-Stack-Name-For-Testing', { env: ENV });
    const pool = new ThroughputScaler(stack, 'Scaler_With.Odd id', { model: NOVA });
    expect(pool.poolName).toMatch(/^([0-9a-zA-Z][_-]?)+$/);
    expect(pool.poolName.length).toBeLessThanOrEqual(40);
    expect(pool.poolName.startsWith('A-Very-Long-Stack-')).toBe(true);
  });
});
