import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BedrockModel, PlatformValidationError } from '../../lib';
import { ChunkingStrategy, EmbeddingModel, S3VectorStore, SecureKnowledgeBase, SecureKnowledgeBaseProps, VectorDistanceMetric } from '../../lib/knowledge';
import { identityPoliciesOf, logicalIdOf } from '../identity/policies';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

/*
 * SecureKnowledgeBase: documents bucket, S3 Vectors store, least-privilege service role, scheduled
 * ingestion, vended logs and ingestion alarms. One kit synthesis (two knowledge bases in one stack,
 * plus a grantee), and one plain synthesis of a prop variant for the logical-id check.
 */

const ENV = { account: '123456789012', region: 'us-east-1' };
const ACCOUNT = ENV.account;
const NOVA_PRO = BedrockModel.crossRegionProfile('us.amazon.nova-pro-v1:0');

/** The app both syntheses build; `variant` changes what must not replace the stores. */
function build(app: App, variant: Partial<SecureKnowledgeBaseProps> = {}): Stack {
  const stack = new Stack(app, 'Knowledge', { env: ENV });
  const kb = new SecureKnowledgeBase(stack, 'Kb', { description: 'Policies', ...variant });
  const second = new SecureKnowledgeBase(stack, 'Handbook', {
    embeddingModel: EmbeddingModel.titanTextV2(512),
    distanceMetric: VectorDistanceMetric.EUCLIDEAN,
    chunking: ChunkingStrategy.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 60 }),
    inclusionPrefixes: ['handbook/'],
    ingestionSchedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
    alertTopic: kb.alertTopic,
  });
  const app1 = new iam.Role(stack, 'Application', { assumedBy: new iam.AccountRootPrincipal() });
  for (const rule of ['NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy', 'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy', 'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy']) {
    Validations.of(app1).acknowledge({ id: rule, reason: 'Test fixture: a plain application role, whose grants CDK puts in its default inline policy; the grants themselves are what is tested.' });
  }
  kb.grantRetrieveAndGenerate(app1, NOVA_PRO);
  second.grantRetrieve(app1);
  return stack;
}

const synth = synthesize((app) => build(app));
const template = synth.json.Knowledge;
const resources = Object.entries(template.Resources as Record<string, any>);
const ofType = (type: string) => resources.filter(([, r]) => r.Type === type);
const id = (type: string, prefix: string) => logicalIdOf(template, type, prefix);

// Concrete values for the intrinsics of the first knowledge base.
const KB_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/KBABCDEFGH`;
const INDEX_ARN = `arn:aws:s3vectors:us-east-1:${ACCOUNT}:bucket/kb-vectors/index/kb-index`;
const VECTOR_BUCKET_ARN = `arn:aws:s3vectors:us-east-1:${ACCOUNT}:bucket/kb-vectors`;
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/bedrock-platform-service/kb-role`;
const DOCS = 'kb-documents';
const env = {
  ...ENV,
  refs: { [id('AWS::S3::Bucket', 'KbDocumentsBucket')]: DOCS },
  attributes: {
    [`${id('AWS::Bedrock::KnowledgeBase', 'Kb')}.KnowledgeBaseArn`]: KB_ARN,
    [`${id('AWS::S3Vectors::Index', 'KbVectorStore')}.IndexArn`]: INDEX_ARN,
    [`${id('AWS::S3Vectors::VectorBucket', 'KbVectorStore')}.VectorBucketArn`]: VECTOR_BUCKET_ARN,
    [`${id('AWS::IAM::Role', 'KbRole')}.Arn`]: ROLE_ARN,
    [`${id('AWS::KMS::Key', 'BedrockPlatformDefaultKey')}.Arn`]: KEY_ARN,
    [`${id('AWS::S3::Bucket', 'KbDocumentsBucket')}.Arn`]: `arn:aws:s3:::${DOCS}`,
  },
};
const kbRolePolicies = identityPoliciesOf(template, id('AWS::IAM::Role', 'KbRole'), env);
// KMS authorizes only what the key policy allows too (the platform key's delegates to IAM).
const keyPolicy = resolveIntrinsics(template.Resources[id('AWS::KMS::Key', 'BedrockPlatformDefaultKey')].Properties.KeyPolicy, ENV) as PolicyJson;

describe('SecureKnowledgeBase resources', () => {
  test('an S3 Vectors knowledge base, its vectors sized and measured for the embedding model', () => {
    const t = synth.template('Knowledge');
    t.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      KnowledgeBaseConfiguration: {
        Type: 'VECTOR',
        VectorKnowledgeBaseConfiguration: {
          EmbeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
          EmbeddingModelConfiguration: { BedrockEmbeddingModelConfiguration: { Dimensions: 1024, EmbeddingDataType: 'FLOAT32' } },
        },
      },
      StorageConfiguration: { Type: 'S3_VECTORS', S3VectorsConfiguration: { IndexArn: { 'Fn::GetAtt': [id('AWS::S3Vectors::Index', 'KbVectorStore'), 'IndexArn'] } } },
    });
    const indexes = ofType('AWS::S3Vectors::Index').map(([, r]) => r.Properties);
    expect(indexes.map((p) => [p.Dimension, p.DistanceMetric, p.DataType])).toEqual([
      [1024, 'cosine', 'float32'],
      [512, 'euclidean', 'float32'],
    ]);
    for (const p of indexes) expect(p.MetadataConfiguration.NonFilterableMetadataKeys).toEqual(['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA']);
  });

  test('vectors are encrypted with the platform key, whose policy admits S3 Vectors indexing with its documented conditions', () => {
    for (const [, r] of ofType('AWS::S3Vectors::VectorBucket')) {
      expect(r.Properties.EncryptionConfiguration).toEqual({ SseType: 'aws:kms', KmsKeyArn: { 'Fn::GetAtt': [id('AWS::KMS::Key', 'BedrockPlatformDefaultKey'), 'Arn'] } });
    }
    const statement = (keyPolicy.Statement as any[]).find((s: any) => s.Sid === 'AllowS3VectorsIndexingForThisAccountsVectorBuckets');
    expect(statement).toEqual({
      Sid: 'AllowS3VectorsIndexingForThisAccountsVectorBuckets',
      Effect: 'Allow',
      Principal: { Service: 'indexing.s3vectors.amazonaws.com' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:s3vectors:us-east-1:${ACCOUNT}:bucket/*` },
        'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': ['aws:s3vectors:arn', 'aws:s3vectors:resource-id'] },
      },
    });
  });

  test('stateful parts are kept on delete and replace', () => {
    for (const type of ['AWS::Bedrock::KnowledgeBase', 'AWS::S3Vectors::VectorBucket', 'AWS::S3Vectors::Index', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
      const found = ofType(type);
      expect(found.length).toBeGreaterThanOrEqual(2);
      for (const [, r] of found) expect([type, r.DeletionPolicy, r.UpdateReplacePolicy]).toEqual([type, 'Retain', 'Retain']);
    }
  });

  test('the data source carries the validated chunking strategy and the prefix; its name follows the strategy', () => {
    const sources = ofType('AWS::Bedrock::DataSource').map(([, r]) => r.Properties);
    expect(sources.map((s) => s.VectorIngestionConfiguration.ChunkingConfiguration)).toEqual([
      { ChunkingStrategy: 'FIXED_SIZE', FixedSizeChunkingConfiguration: { MaxTokens: 300, OverlapPercentage: 20 } },
      { ChunkingStrategy: 'HIERARCHICAL', HierarchicalChunkingConfiguration: { LevelConfigurations: [{ MaxTokens: 1500 }, { MaxTokens: 300 }], OverlapTokens: 60 } },
    ]);
    expect(sources[1].DataSourceConfiguration.S3Configuration.InclusionPrefixes).toEqual(['handbook/']);
    expect(sources[0].DataSourceConfiguration.S3Configuration.InclusionPrefixes).toBeUndefined();
    expect(sources.map((s) => s.DataDeletionPolicy)).toEqual(['DELETE', 'DELETE']);
    expect(sources[0].Name).toMatch(/^documents-[0-9a-f]{8}$/);
    expect(sources[0].Name).not.toEqual(sources[1].Name);
  });

  test('documents live in a SecureBucket: platform key, TLS only, versioned, public access blocked, access logged', () => {
    const bucket = template.Resources[id('AWS::S3::Bucket', 'KbDocumentsBucket')].Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(bucket.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: id('AWS::S3::Bucket', 'KbDocumentsAccessLogs') });
  });

  test('ingestion runs on a schedule through the universal target, no Lambda', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules.map((s) => s.ScheduleExpression)).toEqual(['rate(1 day)', 'rate(6 hours)']);
    expect(resolveIntrinsics(schedules[0].Target.Arn, ENV)).toBe('arn:aws:scheduler:::aws-sdk:bedrockagent:startIngestionJob');
    expect(schedules[0].Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 2 });
    expect(JSON.parse(resolveIntrinsics(schedules[0].Target.Input, env))).toEqual({ KnowledgeBaseId: expect.any(String), DataSourceId: expect.any(String) });
    expect(ofType('AWS::Lambda::Function')).toEqual([]);
  });

  test('knowledge-base logs are delivered to a platform-key log group kept a year', () => {
    const t = synth.template('Knowledge');
    t.hasResourceProperties('AWS::Logs::DeliverySource', { LogType: 'APPLICATION_LOGS', ResourceArn: { 'Fn::GetAtt': [id('AWS::Bedrock::KnowledgeBase', 'Kb'), 'KnowledgeBaseArn'] } });
    t.hasResourceProperties('AWS::Logs::DeliveryDestination', { DeliveryDestinationType: 'CWL', DestinationResourceArn: { 'Fn::GetAtt': [id('AWS::Logs::LogGroup', 'KbLogs'), 'Arn'] } });
    expect(template.Resources[id('AWS::Logs::LogGroup', 'KbLogs')].Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [id('AWS::KMS::Key', 'BedrockPlatformDefaultKey'), 'Arn'] } });
    expect(ofType('AWS::Logs::Delivery')).toHaveLength(2);
  });

  test('failed ingestion jobs and documents raise alarms on the shared alert topic', () => {
    const filters = ofType('AWS::Logs::MetricFilter').map(([, r]) => r.Properties);
    expect(filters.map((f) => f.FilterPattern).slice(0, 2)).toEqual([
      '{ ($.event_type = "StartIngestionJob.StatusChanged") && ($.event.ingestion_job_status = "FAILED") }',
      '{ ($.event_type = "StartIngestionJob.ResourceStatusChanged") && ($.level = "ERROR") }',
    ]);
    expect(filters[0].MetricTransformations[0]).toMatchObject({ MetricNamespace: 'BedrockPlatform/KnowledgeBases', MetricName: 'IngestionJobsFailed', Dimensions: [{ Key: 'KnowledgeBaseArn', Value: '$.event.knowledge_base_arn' }] });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    expect(alarms).toHaveLength(4);
    const topics = ofType('AWS::SNS::Topic');
    expect(topics).toHaveLength(1); // the second knowledge base shares the first one's topic
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: topics[0][0] }]);
  });
});

describe('SecureKnowledgeBase IAM', () => {
  const kbRole = (action: string, resource: string, context: Record<string, string> = {}) =>
    decide({ principal: ROLE_ARN, action, resource, context: { 'aws:ResourceAccount': ACCOUNT, ...context } }, { identity: kbRolePolicies, resource: action.startsWith('kms:') ? keyPolicy : undefined });

  test.each<[string, string, string, Record<string, string>, string]>([
    ['lists the documents bucket', 's3:ListBucket', `arn:aws:s3:::${DOCS}`, {}, 'Allowed'],
    ['reads a document', 's3:GetObject', `arn:aws:s3:::${DOCS}/policies/leave.pdf`, {}, 'Allowed'],
    ['reads another bucket', 's3:GetObject', 'arn:aws:s3:::other-bucket/leave.pdf', {}, 'ImplicitlyDenied'],
    ['writes a document', 's3:PutObject', `arn:aws:s3:::${DOCS}/x.pdf`, {}, 'ImplicitlyDenied'],
    ['puts vectors in its index', 's3vectors:PutVectors', INDEX_ARN, {}, 'Allowed'],
    ['queries its index', 's3vectors:QueryVectors', INDEX_ARN, {}, 'Allowed'],
    ['queries another index', 's3vectors:QueryVectors', `${VECTOR_BUCKET_ARN}/index/other`, {}, 'ImplicitlyDenied'],
    ['deletes its index', 's3vectors:DeleteIndex', INDEX_ARN, {}, 'ImplicitlyDenied'],
    ['invokes its embedding model', 'bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0', {}, 'Allowed'],
    ['invokes a generation model', 'bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0', {}, 'ImplicitlyDenied'],
    ['decrypts documents through S3', 'kms:Decrypt', KEY_ARN, { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }, 'Allowed'],
    ['encrypts vectors through S3 Vectors', 'kms:GenerateDataKey', KEY_ARN, { 'kms:ViaService': 's3vectors.us-east-1.amazonaws.com' }, 'Allowed'],
    ['decrypts with the key directly', 'kms:Decrypt', KEY_ARN, {}, 'ImplicitlyDenied'],
    ['starts an ingestion job itself', 'bedrock:StartIngestionJob', KB_ARN, {}, 'ImplicitlyDenied'],
  ])('the service role %s', async (_name, action, resource, context, expected) => {
    expect(await kbRole(action, resource, context)).toBe(expected);
  });

  test('the service role is a platform service role trusted by Bedrock for this account\'s knowledge bases only', async () => {
    const role = template.Resources[id('AWS::IAM::Role', 'KbRole')];
    expect(role.Properties.Path).toBe('/bedrock-platform-service/');
    const trust = resolveIntrinsics(role.Properties.AssumeRolePolicyDocument, ENV);
    const assume = (context: Record<string, string>) => decide({ principal: 'bedrock.amazonaws.com', action: 'sts:AssumeRole', resource: ROLE_ARN, context }, { resource: trust });
    expect(await assume({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': KB_ARN })).toBe('Allowed');
    expect(await assume({ 'aws:SourceAccount': '999999999999', 'aws:SourceArn': 'arn:aws:bedrock:us-east-1:999999999999:knowledge-base/KBABCDEFGH' })).toBe('ImplicitlyDenied');
    expect(await assume({ 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:agent/AGENTABCDE` })).toBe('ImplicitlyDenied');
  });

  test('the vector bucket policy reserves vector data to the knowledge base role and refuses plain HTTP', async () => {
    const [, policy] = ofType('AWS::S3Vectors::VectorBucketPolicy').find(([key]) => key.startsWith('KbVectorStore'))!;
    const resource = resolveIntrinsics(policy.Properties.Policy, env) as PolicyJson;
    const admin: PolicyJson[] = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const query = (principal: string, identity: PolicyJson[], secure = 'true') =>
      decide({ principal, action: 's3vectors:QueryVectors', resource: INDEX_ARN, context: { 'aws:SecureTransport': secure } }, { identity, resource });
    expect(await query(ROLE_ARN, kbRolePolicies)).toBe('Allowed');
    expect(await query(`arn:aws:iam::${ACCOUNT}:role/admin`, admin)).toBe('ExplicitlyDenied');
    expect(await query(ROLE_ARN, kbRolePolicies, 'false')).toBe('ExplicitlyDenied');
  });

  test('the scheduler role may start ingestion jobs of this knowledge base only', async () => {
    const roleId = id('AWS::IAM::Role', 'KbSchedulerRole');
    const policies = identityPoliciesOf(template, roleId, env);
    const start = (kb: string) => decide({ principal: `arn:aws:iam::${ACCOUNT}:role/scheduler`, action: 'bedrock:StartIngestionJob', resource: kb }, { identity: policies });
    expect(await start(KB_ARN)).toBe('Allowed');
    expect(await start(`arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/OTHERKBXYZ`)).toBe('ImplicitlyDenied');
    expect(resolveIntrinsics(template.Resources[roleId].Properties.AssumeRolePolicyDocument, ENV).Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ACCOUNT, 'aws:SourceArn': `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/default` },
    });
  });

  test('grantRetrieveAndGenerate: retrieve from this knowledge base, generate with this model through its profile', async () => {
    const policies = identityPoliciesOf(template, id('AWS::IAM::Role', 'Application'), env);
    const app = (action: string, resource: string, context: Record<string, string> = {}) =>
      decide({ principal: `arn:aws:iam::${ACCOUNT}:role/app`, action, resource, context }, { identity: policies });
    expect(await app('bedrock:Retrieve', KB_ARN)).toBe('Allowed');
    expect(await app('bedrock:Retrieve', `arn:aws:bedrock:us-east-1:${ACCOUNT}:knowledge-base/OTHERKBXYZ`)).toBe('ImplicitlyDenied');
    expect(await app('bedrock:RetrieveAndGenerate', '*')).toBe('Allowed');
    expect(await app('bedrock:InvokeModel', `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.amazon.nova-pro-v1:0`)).toBe('Allowed');
    const routed = 'arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0';
    expect(await app('bedrock:InvokeModel', routed, { 'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.amazon.nova-pro-v1:0` })).toBe('Allowed');
    expect(await app('bedrock:InvokeModel', routed)).toBe('ImplicitlyDenied');
    expect(await app('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0')).toBe('ImplicitlyDenied');
  });
});

describe('SecureKnowledgeBase compliance and stability', () => {
  test('nag and Control Tower clean; every acknowledgement justified', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('stateful logical ids survive a new chunking strategy, schedule and prefix', () => {
    const variant = Template.fromStack(
      build(new App({ context: cdkJsonContext() }), {
        chunking: ChunkingStrategy.semantic({ maxTokens: 500, bufferSize: 1, breakpointPercentileThreshold: 90 }),
        ingestionSchedule: scheduler.ScheduleExpression.cron({ hour: '2', minute: '0' }),
        inclusionPrefixes: ['policies/'],
      }),
    ).toJSON();
    const stateful = ['AWS::Bedrock::KnowledgeBase', 'AWS::S3Vectors::VectorBucket', 'AWS::S3Vectors::Index', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::KMS::Key'];
    const idsOf = (t: any) => Object.entries(t.Resources as Record<string, any>).filter(([, r]) => stateful.includes(r.Type)).map(([key, r]) => `${r.Type} ${key}`).sort();
    expect(idsOf(variant)).toEqual(idsOf(template));
    // The knowledge base keeps its name (no replacement); the data source gets a new one.
    const kbName = (t: any) => t.Resources[id('AWS::Bedrock::KnowledgeBase', 'Kb')].Properties.Name;
    expect(kbName(variant)).toEqual(kbName(template));
    const dsName = (t: any) => Object.entries(t.Resources as Record<string, any>).find(([key, r]) => r.Type === 'AWS::Bedrock::DataSource' && key.startsWith('Kb'))![1].Properties.Name;
    expect(dsName(variant)).not.toEqual(dsName(template));
  });
});

describe('SecureKnowledgeBase validation', () => {
  const stack = () => new Stack(new App({ context: cdkJsonContext() }), 'S', { env: ENV });
  test.each<[string, () => SecureKnowledgeBaseProps, RegExp]>([
    [
      'a vector store of another dimension',
      () => ({ vectorStore: S3VectorStore.fromS3VectorStoreAttributes(new Stack(), 'V', { indexArn: INDEX_ARN, dimension: 512, distanceMetric: VectorDistanceMetric.COSINE }) }),
      /invalid vectorStore\.dimension 512\. Titan Text Embeddings V2 returns vectors of 1024 dimensions/,
    ],
    ['Euclidean distance for unnormalized vectors', () => ({ embeddingModel: EmbeddingModel.COHERE_EMBED_ENGLISH_V3, distanceMetric: VectorDistanceMetric.EUCLIDEAN }), /invalid distanceMetric "euclidean"\. Cohere Embed English v3 vectors are compared with cosine/],
    ['an unsupported Titan V2 dimension', () => ({ embeddingModel: EmbeddingModel.titanTextV2(768 as 512) }), /invalid embeddingModel\.dimensions 768\. Titan Text Embeddings V2 returns vectors of 256, 512, 1024 dimensions/],
    ['a fixed-size overlap of 0%', () => ({ chunking: ChunkingStrategy.fixedSize({ maxTokens: 300, overlapPercentage: 0 }) }), /invalid chunking\.overlapPercentage 0\. Must be a whole number from 1 to 99/],
    ['hierarchical levels above 8192 tokens', () => ({ chunking: ChunkingStrategy.hierarchical({ parentMaxTokens: 9000, childMaxTokens: 300, overlapTokens: 60 }) }), /invalid chunking\.parentMaxTokens 9000\. Must be a whole number from 1 to 8192/],
    ['a child larger than its parent', () => ({ chunking: ChunkingStrategy.hierarchical({ parentMaxTokens: 300, childMaxTokens: 600, overlapTokens: 60 }) }), /invalid chunking\.childMaxTokens 600\. A child chunk is part of its parent/],
    ['a semantic buffer of 2', () => ({ chunking: ChunkingStrategy.semantic({ maxTokens: 300, bufferSize: 2, breakpointPercentileThreshold: 95 }) }), /invalid chunking\.bufferSize 2\. Must be a whole number from 0 to 1/],
    ['a semantic threshold of 40', () => ({ chunking: ChunkingStrategy.semantic({ maxTokens: 300, bufferSize: 0, breakpointPercentileThreshold: 40 }) }), /invalid chunking\.breakpointPercentileThreshold 40\. Must be a whole number from 50 to 99/],
    ['chunks larger than Cohere embeds', () => ({ embeddingModel: EmbeddingModel.COHERE_EMBED_MULTILINGUAL_V3, chunking: ChunkingStrategy.fixedSize({ maxTokens: 1000, overlapPercentage: 10 }) }), /invalid chunking\.maxTokens 1000\. Cohere Embed Multilingual v3 embeds at most 512 tokens/],
    ['a rate tighter than hourly', () => ({ ingestionSchedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)) }), /invalid ingestionSchedule "rate\(15 minutes\)"\. Ingest at most hourly/],
    ['a one-time schedule', () => ({ ingestionSchedule: scheduler.ScheduleExpression.at(new Date(Date.UTC(2030, 0, 1))) }), /invalid ingestionSchedule "at\(2030-01-01T00:00:00\)"\. A one-time schedule runs once/],
    ['two inclusion prefixes', () => ({ inclusionPrefixes: ['a/', 'b/'] }), /invalid inclusionPrefixes \["a\/","b\/"\]\. A Bedrock S3 data source takes one inclusion prefix/],
    ['logs kept a month', () => ({ logRetention: 30 }), /invalid logRetention 30\. Keep ingestion logs at least a year/],
    ['a model ID string for the embedding model', () => ({ embeddingModel: 'amazon.titan-embed-text-v2:0' as unknown as EmbeddingModel }), /invalid embeddingModel "amazon\.titan-embed-text-v2:0"\. Must be an EmbeddingModel/],
    ['a name with a space', () => ({ knowledgeBaseName: 'my kb' }), /invalid knowledgeBaseName "my kb"\. Must be 1 to 100 letters and digits/],
  ])('rejects %s', (_name, props, message) => {
    const call = () => new SecureKnowledgeBase(stack(), 'Kb', props());
    expect(call).toThrow(PlatformValidationError);
    expect(call).toThrow(message);
  });

  test('grantRetrieveAndGenerate refuses a Mantle model, which RetrieveAndGenerate cannot invoke', () => {
    const kb = SecureKnowledgeBase.fromKnowledgeBaseAttributes(stack(), 'Imported', { knowledgeBaseArn: KB_ARN });
    expect(kb.knowledgeBaseId).toBe('KBABCDEFGH');
    const role = new iam.Role(Stack.of(kb), 'R', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => kb.grantRetrieveAndGenerate(role, BedrockModel.mantleModel('openai.gpt-oss-120b'))).toThrow(/invalid generationModel\[0\]/);
  });
});
