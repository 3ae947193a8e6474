import { App, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import { InvocationLoggingConfiguration, InvocationLoggingDriftRule, ModelInvocationLogging, PlatformValidationError } from '../../lib';
import { parseRuleParameters } from '../../lambda/invocation-logging-drift/logic';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const EXPLICIT: InvocationLoggingConfiguration = {
  s3Config: { bucketName: 'org-invocation-logs', keyPrefix: 'bedrock' },
  textDataDeliveryEnabled: true,
  imageDataDeliveryEnabled: false,
  embeddingDataDeliveryEnabled: true,
  videoDataDeliveryEnabled: false,
  audioDataDeliveryEnabled: false,
};
let fromLogging: InvocationLoggingDriftRule;
let platformLogging: ModelInvocationLogging;

// One synthesis: a rule derived from the platform's logging, and a second one with an explicit
// configuration in the same stack (two of them must not collide).
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Drift', { env: ENV });
  platformLogging = new ModelInvocationLogging(stack, 'InvocationLogging');
  fromLogging = new InvocationLoggingDriftRule(stack, 'LoggingDrift', { logging: platformLogging });
  new InvocationLoggingDriftRule(stack, 'OrgLoggingDrift', {
    expectedConfiguration: EXPLICIT,
    maximumExecutionFrequency: config.MaximumExecutionFrequency.SIX_HOURS,
    configRuleName: 'org-invocation-logging-drift',
  });
});
const t = synth.template();
const json = synth.json.Drift;
const resources = (type: string) => Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const byPrefix = (type: string, prefix: string) => {
  const found = resources(type).filter(([id]) => new RegExp(`^${prefix}[0-9A-F]{8}$`).test(id));
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.map(([id]) => id).join(', ')}`);
  return found[0];
};
const ruleOf = (prefix: string) => byPrefix('AWS::Config::ConfigRule', `${prefix}Rule`)[1].Properties;
const functionId = (prefix: string) => byPrefix('AWS::Lambda::Function', `${prefix}Function`)[0];

describe('InvocationLoggingDriftRule', () => {
  test('a periodic custom Lambda rule, every 24 hours by default, on the account', () => {
    expect(ruleOf('LoggingDrift')).toEqual({
      Description: expect.stringMatching(/^NON_COMPLIANT when Amazon Bedrock model invocation logging is off or differs/),
      InputParameters: expect.any(Object),
      MaximumExecutionFrequency: 'TwentyFour_Hours',
      Source: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: { 'Fn::GetAtt': [functionId('LoggingDrift'), 'Arn'] },
        SourceDetails: [{ EventSource: 'aws.config', MessageType: 'ScheduledNotification', MaximumExecutionFrequency: 'TwentyFour_Hours' }],
      },
    });
    expect(ruleOf('OrgLoggingDrift')).toMatchObject({ ConfigRuleName: 'org-invocation-logging-drift', MaximumExecutionFrequency: 'Six_Hours' });
  });

  test('input parameters: exactly what the logging construct puts, and what the handler parses back', () => {
    const bucket = { Ref: byPrefix('AWS::S3::Bucket', 'InvocationLoggingBucket')[0] };
    const params = ruleOf('LoggingDrift').InputParameters;
    expect(params).toEqual({
      logGroupName: { Ref: byPrefix('AWS::Logs::LogGroup', 'InvocationLoggingInvocationLogs')[0] },
      roleArn: { 'Fn::GetAtt': [byPrefix('AWS::IAM::Role', 'InvocationLoggingDeliveryRole')[0], 'Arn'] },
      largeDataBucketName: bucket,
      largeDataKeyPrefix: 'invocation-logs-large-data',
      s3BucketName: bucket,
      s3KeyPrefix: 'invocation-logs',
      textDataDeliveryEnabled: 'true',
      imageDataDeliveryEnabled: 'true',
      embeddingDataDeliveryEnabled: 'true',
      videoDataDeliveryEnabled: 'true',
      audioDataDeliveryEnabled: 'true',
    });
    // The custom resource's LoggingConfig and the rule's parameters name the same things.
    const [[, custom]] = resources('Custom::BedrockModelInvocationLogging');
    expect(params.logGroupName).toEqual(custom.Properties.LoggingConfig.cloudWatchConfig.logGroupName);
    expect(params.roleArn).toEqual(custom.Properties.LoggingConfig.cloudWatchConfig.roleArn);
    expect(fromLogging.expectedConfiguration).toBe(platformLogging.loggingConfiguration);
    // Deployed, the handler reads them back into the expected configuration.
    const deployed = resolveIntrinsics(params, {
      ...ENV,
      refs: { [bucket.Ref]: 'platform-logs', [params.logGroupName.Ref]: 'platform-invocation-logs' },
      attributes: { [`${params.roleArn['Fn::GetAtt'][0]}.Arn`]: 'arn:aws:iam::123456789012:role/delivery' },
    });
    expect(parseRuleParameters(JSON.stringify(deployed))).toEqual({
      cloudWatch: { logGroupName: 'platform-invocation-logs', roleArn: 'arn:aws:iam::123456789012:role/delivery', largeData: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs-large-data' } },
      s3: { bucketName: 'platform-logs', keyPrefix: 'invocation-logs' },
      modalities: { textDataDeliveryEnabled: true, imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: true, audioDataDeliveryEnabled: true },
    });
    expect(parseRuleParameters(JSON.stringify(ruleOf('OrgLoggingDrift').InputParameters))).toEqual({
      s3: { bucketName: 'org-invocation-logs', keyPrefix: 'bedrock' },
      modalities: { textDataDeliveryEnabled: true, imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: true, videoDataDeliveryEnabled: false, audioDataDeliveryEnabled: false },
    });
  });

  test('Config may invoke the function only for this account; the rule is created after the permission', () => {
    const [permissionId, permission] = resources('AWS::Lambda::Permission').find(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === functionId('LoggingDrift'))!;
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [functionId('LoggingDrift'), 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: '123456789012',
    });
    const [, rule] = byPrefix('AWS::Config::ConfigRule', 'LoggingDriftRule');
    expect(rule.DependsOn).toEqual(expect.arrayContaining([permissionId, functionId('LoggingDrift')]));
  });

  test('IAM: exactly the calls it makes, one customer-managed policy, no AWS managed policy (CustomRule would add AWSConfigRulesExecutionRole)', () => {
    const [policyId, policy] = byPrefix('AWS::IAM::ManagedPolicy', 'LoggingDriftPolicy');
    const [, role] = byPrefix('AWS::IAM::Role', 'LoggingDriftRole');
    expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    const logGroup = byPrefix('AWS::Logs::LogGroup', 'LoggingDriftLogs')[0];
    const queue = byPrefix('AWS::SQS::Queue', 'LoggingDriftDeadLetterQueue')[0];
    const key = json.Resources[logGroup].Properties.KmsKeyId;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Sid: 'ReadModelInvocationLogging', Effect: 'Allow', Action: 'bedrock:GetModelInvocationLoggingConfiguration', Resource: '*' },
      { Sid: 'ReportEvaluations', Effect: 'Allow', Action: 'config:PutEvaluations', Resource: '*' },
      { Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      { Sid: 'SendTraces', Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' },
      { Sid: 'DeadLetterFailedInvocations', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queue, 'Arn'] } },
      { Sid: 'EncryptDeadLetters', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key, Condition: { StringEquals: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } } },
    ]);
    // No role anywhere in the stack carries an AWS managed policy.
    for (const [, r] of resources('AWS::IAM::Role')) expect(JSON.stringify(r.Properties.ManagedPolicyArns ?? [])).not.toMatch(/:aws:policy\//);
  });

  test('the function: prebundled handler, 1-minute timeout, reserved concurrency, retries into a platform-key dead-letter queue, platform-key logs kept a year', () => {
    const [, fn] = byPrefix('AWS::Lambda::Function', 'LoggingDriftFunction');
    const queue = byPrefix('AWS::SQS::Queue', 'LoggingDriftDeadLetterQueue')[0];
    expect(fn.Properties).toMatchObject({
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Timeout: 60,
      MemorySize: 256,
      ReservedConcurrentExecutions: 1,
      TracingConfig: { Mode: 'Active' },
      DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [queue, 'Arn'] } },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: byPrefix('AWS::Logs::LogGroup', 'LoggingDriftLogs')[0] } },
    });
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('LoggingDrift') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    const [, logs] = byPrefix('AWS::Logs::LogGroup', 'LoggingDriftLogs');
    expect(logs.Properties.RetentionInDays).toBeGreaterThanOrEqual(365);
    expect(logs.DeletionPolicy).toBe('Retain');
    // The logging construct's key: the rule adds no key of its own.
    expect(logs.Properties.KmsKeyId).toEqual(json.Resources[byPrefix('AWS::Logs::LogGroup', 'InvocationLoggingInvocationLogs')[0]].Properties.KmsKeyId);
    expect(resources('AWS::KMS::Key')).toHaveLength(1);
  });

  test('zero unacknowledged findings; every acknowledgement explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });
});

describe('InvocationLoggingDriftRule validation', () => {
  const stack = () => new Stack(new App(), 'S', { env: ENV });
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['neither logging nor a configuration', {}, /logging.*Give the platform's ModelInvocationLogging/s],
    ['no destination', { expectedConfiguration: { ...EXPLICIT, s3Config: undefined } }, /Name at least one destination/],
    ['an empty bucket name', { expectedConfiguration: { ...EXPLICIT, s3Config: { bucketName: '' } } }, /expectedConfiguration\.s3Config\.bucketName/],
    ['a flag that is not a boolean', { expectedConfiguration: { ...EXPLICIT, videoDataDeliveryEnabled: 'no' } }, /expectedConfiguration\.videoDataDeliveryEnabled/],
    ['an unknown frequency', { expectedConfiguration: EXPLICIT, maximumExecutionFrequency: 'Daily' }, /maximumExecutionFrequency.*Allowed values: One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours/s],
    ['a blank rule name', { expectedConfiguration: EXPLICIT, configRuleName: '  ' }, /configRuleName/],
    ['a rule name too long', { expectedConfiguration: EXPLICIT, configRuleName: 'r'.repeat(129) }, /configRuleName/],
    ['no reserved concurrency', { expectedConfiguration: EXPLICIT, reservedConcurrentExecutions: 0 }, /reservedConcurrentExecutions/],
    ['parameters over Config\'s 1,024 characters', { expectedConfiguration: { ...EXPLICIT, s3Config: { bucketName: 'b', keyPrefix: 'p'.repeat(1000) } } }, /Config allows 1024/],
  ])('refuses %s', (_what, props, message) => {
    expect(() => new InvocationLoggingDriftRule(stack(), 'Drift', props as never)).toThrow(PlatformValidationError);
    expect(() => new InvocationLoggingDriftRule(stack(), 'Drift', props as never)).toThrow(message);
  });

  test('refuses both logging and a configuration', () => {
    const s = stack();
    const logging = new ModelInvocationLogging(s, 'Logging');
    expect(() => new InvocationLoggingDriftRule(s, 'Drift', { logging, expectedConfiguration: EXPLICIT })).toThrow(/either logging or expectedConfiguration, not both/);
  });
});
