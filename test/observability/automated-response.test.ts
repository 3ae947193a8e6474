import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AlarmSeverity, AlertTopic, BedrockMonitoring, PlatformKey, SecureTopic } from '../../lib';
import { AutomatedResponse, INCIDENT_SCHEMA, IncidentSeverity, OnCallIncidentResponse, ResponseCondition, ResponseTarget } from '../../lib/observability';
import { matchesEventPattern, transformInput } from '../kit/eventbridge';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ENV.account}:function:revoke-invoke-access`;
const MACHINE_ARN = `arn:aws:states:us-east-1:${ENV.account}:stateMachine:contain-incident`;
/** Long alarm names, so that 40 alarms need several 4096-character patterns. */
const ALARM_ARNS = Array.from({ length: 40 }, (_, i) => `arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:bedrock-platform-${'x'.repeat(180)}-${i}`);
let critical: readonly cloudwatch.Alarm[] = [];

const synth = synthesize((app) => {
  const hooks = new Stack(app, 'Hooks', { env: ENV });
  const alertTopic = new AlertTopic(hooks, 'Alerts', { encryptionKey: PlatformKey.of(hooks).key });
  new AutomatedResponse(hooks, 'OnGuardrailChange', {
    condition: ResponseCondition.cloudTrailApiCalls(['UpdateGuardrail', 'DeleteGuardrail']),
    target: ResponseTarget.lambdaFunction(lambda.Function.fromFunctionArn(hooks, 'Responder', FUNCTION_ARN)),
    alertTopic,
  });
  new AutomatedResponse(hooks, 'OnJobFailed', {
    condition: ResponseCondition.bedrockEvents(['Model Customization Job State Change'], { status: ['Failed'] }),
    target: ResponseTarget.stateMachine(sfn.StateMachine.fromStateMachineArn(hooks, 'Machine', MACHINE_ARN)),
    input: events.RuleTargetInput.fromObject({ job: events.EventField.fromPath('$.detail.jobArn') }),
    retryAttempts: 3,
    maxEventAge: Duration.minutes(30),
  });
  const responders = new SecureTopic(hooks, 'Responders', { encryptionKey: PlatformKey.of(hooks).key });
  new AutomatedResponse(hooks, 'ManyAlarms', {
    condition: ResponseCondition.alarmStateChange(
      ALARM_ARNS.map((arn, i) => cloudwatch.Alarm.fromAlarmArn(hooks, `Alarm${i}`, arn)),
      [cloudwatch.AlarmState.ALARM, cloudwatch.AlarmState.INSUFFICIENT_DATA],
    ),
    target: ResponseTarget.snsTopic(responders),
  });

  // The reference app's response: the platform's critical alarms page the on-call.
  const platform = new Stack(app, 'OnCall', { env: ENV });
  const monitoring = new BedrockMonitoring(platform, 'Monitoring');
  critical = monitoring.alarms.bySeverity[AlarmSeverity.CRITICAL];
  new OnCallIncidentResponse(platform, 'OnCall', { alarms: [...critical], alertTopic: monitoring.alertTopic, group: 'bedrock-platform-prod' });
});

const resources = (stack: string, type: string): Array<[string, any]> => Object.entries(synth.json[stack].Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const resource = (stack: string, path: string) => synth.json[stack].Resources[synth.logicalId(`${stack}/${path}`)];
const id = (path: string) => synth.logicalId(path);
const arnOf = (path: string) => ({ 'Fn::GetAtt': [id(path), 'Arn'] });

/** A "CloudWatch Alarm State Change" event, shaped like the example of cloudwatch-and-eventbridge.html. */
function alarmEvent(alarmArn: string, state: 'ALARM' | 'OK', previous: 'ALARM' | 'OK') {
  const alarmName = alarmArn.split(':alarm:')[1];
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ENV.account,
    time: '2026-12-02T17:04:40Z',
    region: ENV.region,
    resources: [alarmArn],
    detail: {
      alarmName,
      configuration: { description: '[critical] Amazon Bedrock client + server errors at or above 10% for one of: amazon.nova-pro-v1:0.' },
      previousState: { value: previous, reason: 'Threshold Crossed: no datapoints were received.', timestamp: '2026-12-02T16:59:40.985+0000' },
      state: { value: state, reason: 'Threshold Crossed: 2 out of the last 3 datapoints [12.5 (02/12/26 17:00:00), 11.0 (02/12/26 16:55:00)] were greater than or equal to the threshold (10.0).', timestamp: '2026-12-02T17:04:40.985+0000' },
    },
  };
}

describe('AutomatedResponse: targets', () => {
  test('Lambda: CloudTrail-recorded calls invoke the function, whose permission admits only this rule', () => {
    const rule = resource('Hooks', 'OnGuardrailChange/Rule/Resource');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['bedrock.amazonaws.com'], eventName: ['UpdateGuardrail', 'DeleteGuardrail'] },
    });
    expect(rule.Properties.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: FUNCTION_ARN,
        DeadLetterConfig: { Arn: arnOf('Hooks/OnGuardrailChange/UndeliveredEvents/Resource') },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
    const permissions = resources('Hooks', 'AWS::Lambda::Permission').map(([, p]) => p.Properties);
    expect(permissions).toEqual([{ Action: 'lambda:InvokeFunction', FunctionName: FUNCTION_ARN, Principal: 'events.amazonaws.com', SourceArn: arnOf('Hooks/OnGuardrailChange/Rule/Resource') }]);
  });

  test('Step Functions: a role only EventBridge may assume, for this rule only, that may start only this machine', async () => {
    const rule = resource('Hooks', 'OnJobFailed/Rule/Resource');
    expect(rule.Properties.EventPattern).toEqual({ source: ['aws.bedrock'], 'detail-type': ['Model Customization Job State Change'], detail: { status: ['Failed'] } });
    // Named: the role's trust policy must name the rule, which names the role.
    expect(rule.Properties.Name).toMatch(/^Hooks-OnJobFailed-[0-9A-F]{8}$/);
    const [target] = rule.Properties.Targets;
    expect(target).toMatchObject({
      Arn: MACHINE_ARN,
      RoleArn: arnOf('Hooks/OnJobFailed/InvokeRole/Resource'),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 1800 },
      DeadLetterConfig: { Arn: arnOf('Hooks/OnJobFailed/UndeliveredEvents/Resource') },
      InputTransformer: { InputPathsMap: { 'detail-jobArn': '$.detail.jobArn' }, InputTemplate: '{"job":<detail-jobArn>}' },
    });
    const ruleArn = `arn:aws:events:us-east-1:${ENV.account}:rule/${rule.Properties.Name}`;
    const role = resource('Hooks', 'OnJobFailed/InvokeRole/Resource');
    const trust = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, ENV);
    expect(trust.Statement).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'events.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': ENV.account }, ArnEquals: { 'aws:SourceArn': [ruleArn] } } },
    ]);
    const roleArn = `arn:aws:iam::${ENV.account}:role/invoke`;
    const assume = (sourceArn: string, account = ENV.account) =>
      decide({ principal: 'events.amazonaws.com', action: 'sts:AssumeRole', resource: roleArn, context: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': account } }, { resource: trust });
    expect(await assume(ruleArn)).toBe('Allowed');
    expect(await assume(`arn:aws:events:us-east-1:${ENV.account}:rule/someone-elses-rule`)).toBe('ImplicitlyDenied');
    expect(await assume(ruleArn.replace(ENV.account, '210987654321'), '210987654321')).toBe('ImplicitlyDenied');
    // One managed policy (no inline policy), with the one action on the one machine.
    expect(resources('Hooks', 'AWS::IAM::Policy')).toEqual([]);
    const policy = resource('Hooks', 'OnJobFailed/InvokeRole/Permissions/Resource');
    expect(policy.Properties.Roles).toEqual([{ Ref: id('Hooks/OnJobFailed/InvokeRole/Resource') }]);
    expect(policy.Properties.PolicyDocument.Statement).toEqual([{ Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE_ARN }]);
  });

  test('SNS: many alarms are split over rules under the pattern limit; the topic policy admits exactly those rules', () => {
    const rules = resources('Hooks', 'AWS::Events::Rule').filter(([rid]) => rid.startsWith('ManyAlarms'));
    expect(rules.length).toBeGreaterThan(1);
    const listed = rules.flatMap(([, r]) => r.Properties.EventPattern.resources);
    expect(listed.sort()).toEqual([...ALARM_ARNS].sort());
    for (const [, r] of rules) {
      expect(JSON.stringify(r.Properties.EventPattern).length).toBeLessThan(4096);
      expect(r.Properties.EventPattern).toMatchObject({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], detail: { state: { value: ['ALARM', 'INSUFFICIENT_DATA'] } } });
      expect(r.Properties.Targets).toEqual([
        expect.objectContaining({ Arn: { Ref: id('Hooks/Responders/Resource') }, DeadLetterConfig: { Arn: arnOf('Hooks/ManyAlarms/UndeliveredEvents/Resource') }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } }),
      ]);
    }
    const [, topicPolicy] = resources('Hooks', 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics).includes(id('Hooks/Responders/Resource')))!;
    const publishers = topicPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    expect(publishers).toEqual([
      expect.objectContaining({ Sid: 'AllowTheseEventBridgeRulesToPublish', Action: 'sns:Publish', Condition: { StringEquals: { 'aws:SourceAccount': ENV.account }, ArnEquals: { 'aws:SourceArn': rules.map(([rid]) => ({ 'Fn::GetAtt': [rid, 'Arn'] })) } } }),
    ]);
    // The sample event of each listed alarm matches exactly one rule.
    for (const arn of [ALARM_ARNS[0], ALARM_ARNS[39]]) expect(rules.filter(([, r]) => matchesEventPattern(r.Properties.EventPattern, alarmEvent(arn, 'ALARM', 'OK')))).toHaveLength(1);
  });

  test('no EventBridge grant anywhere is unconditioned (as CDK\'s own SNS target would make it)', () => {
    for (const stack of ['Hooks', 'OnCall']) {
      const statements = [...resources(stack, 'AWS::SNS::TopicPolicy'), ...resources(stack, 'AWS::SQS::QueuePolicy')].flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const forEvents = statements.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
      expect(forEvents.length).toBeGreaterThan(0);
      for (const s of forEvents) expect(s.Condition.ArnEquals['aws:SourceArn']).toBeTruthy();
    }
  });

  test('each response dead-letters to its own encrypted, TLS-only queue, admitting only its rules; alarmed when an alert topic is given', () => {
    const [keyId] = resources('Hooks', 'AWS::KMS::Key')[0];
    const queues = resources('Hooks', 'AWS::SQS::Queue');
    expect(queues).toHaveLength(3);
    for (const [, q] of queues) expect(q.Properties).toMatchObject({ KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] }, MessageRetentionPeriod: 1209600, RedriveAllowPolicy: { redrivePermission: 'denyAll' } });
    const queuePolicy = resources('Hooks', 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes(id('Hooks/OnGuardrailChange/UndeliveredEvents/Resource')))![1];
    expect(queuePolicy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': arnOf('Hooks/OnGuardrailChange/Rule/Resource') } } }),
    ]);
    const alarms = resources('Hooks', 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toEqual([
      expect.objectContaining({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1, AlarmActions: [{ Ref: id('Hooks/Alerts/Topic/Resource') }], AlarmName: expect.stringMatching(/^bedrock-audit-.*-undelivered-events$/) }),
    ]);
    const key = resources('Hooks', 'AWS::KMS::Key')[0][1];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({ Sid: 'AllowEventBridgeToDeliverToEncryptedTopicsAndQueues' }));
  });
});

describe('OnCallIncidentResponse (the reference app\'s response)', () => {
  const trigger = () => resource('OnCall', 'OnCall/Trigger/Rule/Resource');
  const resolve = () => resource('OnCall', 'OnCall/Resolve/Rule/Resource');

  test('the platform\'s critical alarms trigger incidents, and resolve them when back to OK', () => {
    expect(critical.length).toBeGreaterThan(0);
    const arns = critical.map((a) => arnOf(`${a.node.path}/Resource`));
    expect(trigger().Properties.EventPattern).toEqual({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], resources: arns, detail: { state: { value: ['ALARM'] } } });
    expect(resolve().Properties.EventPattern).toEqual({ source: ['aws.cloudwatch'], 'detail-type': ['CloudWatch Alarm State Change'], resources: arns, detail: { state: { value: ['OK'] } } });
    // Warnings do not page.
    const warningIds = resources('OnCall', 'AWS::CloudWatch::Alarm').filter(([, a]) => /-warning-/.test(a.Properties.AlarmName)).map(([aid]) => aid);
    expect(warningIds.length).toBeGreaterThan(0);
    for (const wid of warningIds) expect(JSON.stringify(trigger().Properties.EventPattern)).not.toContain(wid);
  });

  test('the incident document is valid JSON in PagerDuty Events v2 terms, deduplicated on the alarm ARN', () => {
    const alarmArn = `arn:aws:cloudwatch:us-east-1:${ENV.account}:alarm:${critical[0].alarmName}`;
    const fired = alarmEvent(alarmArn, 'ALARM', 'OK');
    expect(matchesEventPattern(resolveIntrinsics(trigger().Properties.EventPattern, { ...ENV, attributes: { [`${id(`${critical[0].node.path}/Resource`)}.Arn`]: alarmArn } }), fired)).toBe(true);
    const [target] = trigger().Properties.Targets;
    const expected = (action: string, state: string, previous: string) => ({
      schema: INCIDENT_SCHEMA,
      event_action: action,
      dedup_key: alarmArn,
      payload: {
        summary: `Amazon Bedrock platform alarm ${critical[0].alarmName} is ${state}`,
        severity: IncidentSeverity.CRITICAL,
        source: `${ENV.account}/${ENV.region}`,
        timestamp: '2026-12-02T17:04:40Z',
        component: 'amazon-bedrock',
        group: 'bedrock-platform-prod',
        class: 'cloudwatch-alarm',
        custom_details: {
          alarm_name: critical[0].alarmName,
          alarm_arn: alarmArn,
          state,
          previous_state: previous,
          reason: fired.detail.state.reason,
          description: fired.detail.configuration.description,
          account: ENV.account,
          region: ENV.region,
        },
      },
    });
    expect(transformInput(target.InputTransformer, fired)).toEqual(expected('trigger', 'ALARM', 'OK'));
    expect(transformInput(resolve().Properties.Targets[0].InputTransformer, alarmEvent(alarmArn, 'OK', 'ALARM'))).toEqual(expected('resolve', 'OK', 'ALARM'));
  });

  test('incidents go to their own encrypted topic, which admits exactly the two rules; undelivered ones alarm the platform alert topic', () => {
    const incidentTopic = { Ref: id('OnCall/OnCall/Incidents/Topic/Resource') };
    const queueArn = arnOf('OnCall/OnCall/Trigger/UndeliveredEvents/Resource');
    for (const rule of [trigger(), resolve()]) {
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: incidentTopic, DeadLetterConfig: { Arn: queueArn }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } })]);
    }
    expect(resource('OnCall', 'OnCall/Incidents/Topic/Resource').Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [resources('OnCall', 'AWS::KMS::Key')[0][0], 'Arn'] });
    const [, topicPolicy] = resources('OnCall', 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics).includes(incidentTopic.Ref))!;
    expect(topicPolicy.Properties.PolicyDocument.Statement.filter((s: any) => s.Principal?.Service === 'events.amazonaws.com')).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { 'aws:SourceAccount': ENV.account }, ArnEquals: { 'aws:SourceArn': [arnOf('OnCall/OnCall/Trigger/Rule/Resource'), arnOf('OnCall/OnCall/Resolve/Rule/Resource')] } } }),
    ]);
    expect(resources('OnCall', 'AWS::SQS::Queue')).toHaveLength(1);
    const undelivered = resource('OnCall', 'OnCall/Trigger/UndeliveredEventsAlarm/Resource').Properties;
    expect(undelivered).toMatchObject({ Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', AlarmActions: [{ Ref: id('OnCall/Monitoring/Alerts/Topic/Resource') }] });
  });

  test('nag and Control Tower clean; acknowledgements granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});

describe('validation', () => {
  const stack = () => new Stack(new App(), 'V', { env: ENV });
  const fn = (s: Stack) => ResponseTarget.lambdaFunction(lambda.Function.fromFunctionArn(s, 'Fn', FUNCTION_ARN));
  test.each<[string, (s: Stack) => any, RegExp]>([
    ['no alarm', (s) => ({ condition: ResponseCondition.alarmStateChange([]), target: fn(s) }), /invalid condition\.alarms \[\]\. List at least one alarm/],
    ['an unknown state', (s) => ({ condition: ResponseCondition.alarmStateChange([cloudwatch.Alarm.fromAlarmArn(s, 'A', ALARM_ARNS[0])], ['BROKEN' as cloudwatch.AlarmState]), target: fn(s) }), /invalid condition\.states\[0\] "BROKEN"\. Allowed values: ALARM, OK, INSUFFICIENT_DATA/],
    ['no state', (s) => ({ condition: ResponseCondition.alarmStateChange([cloudwatch.Alarm.fromAlarmArn(s, 'A', ALARM_ARNS[0])], []), target: fn(s) }), /invalid condition\.states \[\]/],
    ['a pattern without source', (s) => ({ condition: ResponseCondition.eventPattern({ detailType: ['x'] }), target: fn(s) }), /invalid condition\.pattern\.source \(not set\)/],
    ['no API call', (s) => ({ condition: ResponseCondition.cloudTrailApiCalls([]), target: fn(s) }), /invalid condition\.eventNames \[\]/],
    ['no condition', (s) => ({ target: fn(s) }), /invalid condition "undefined"\. Must be a ResponseCondition/],
    ['a function as target', (s) => ({ condition: ResponseCondition.cloudTrailApiCalls(['DeleteGuardrail']), target: lambda.Function.fromFunctionArn(s, 'Fn', FUNCTION_ARN) }), /invalid target .* Must be a ResponseTarget/],
    ['186 retries', (s) => ({ condition: ResponseCondition.cloudTrailApiCalls(['DeleteGuardrail']), target: fn(s), retryAttempts: 186 }), /invalid retryAttempts 186/],
    ['a 30-second event age', (s) => ({ condition: ResponseCondition.cloudTrailApiCalls(['DeleteGuardrail']), target: fn(s), maxEventAge: Duration.seconds(30) }), /invalid maxEventAge "30 seconds"/],
  ])('%s is refused', (_name, props, message) => {
    const s = stack();
    expect(() => new AutomatedResponse(s, 'Response', props(s))).toThrow(message);
  });

  test('the on-call response needs alarms and a known severity', () => {
    expect(() => new OnCallIncidentResponse(stack(), 'OnCall', { alarms: [] })).toThrow(/OnCall\/Trigger: invalid condition\.alarms \[\]/);
    const s = stack();
    expect(() => new OnCallIncidentResponse(s, 'OnCall', { alarms: [cloudwatch.Alarm.fromAlarmArn(s, 'A', ALARM_ARNS[0])], severity: 'sev1' as IncidentSeverity })).toThrow(/invalid severity "sev1"\. Allowed values: critical, error, warning, info/);
  });
});
