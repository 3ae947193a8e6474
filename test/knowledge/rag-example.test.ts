import { RAG_EXAMPLE } from '../../examples/rag-knowledge-base/stack';
import { expectDataProtected } from '../data-protection/data-protection';
import { identityPoliciesOf } from '../identity/policies';
import { decide, PolicyJson } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

/*
 * examples/rag-knowledge-base, as `npm test` synthesized it with the pinned CLI and every pack: the
 * knowledge base, guardrail, invoker and private path of one BedrockPlatform, and what each role may
 * do, evaluated on the synthesized policies (intrinsics replaced by the concrete values below).
 */
const synth = loadAssembly('examples/rag-knowledge-base/app.ts');
const STACK = 'BedrockRagKnowledgeBase';
const template = synth.json[STACK];
const resources = template.Resources as Record<string, any>;
const id = (constructPath: string) => synth.logicalId(`${STACK}/Platform/${constructPath}`);

const { account, region } = RAG_EXAMPLE.env;
const KB_ARN = `arn:aws:bedrock:${region}:${account}:knowledge-base/KBRAGEXAMP`;
const OTHER_KB_ARN = `arn:aws:bedrock:${region}:${account}:knowledge-base/OTHERKB123`;
const VECTOR_BUCKET_ARN = `arn:aws:s3vectors:${region}:${account}:bucket/rag-vectors`;
const INDEX_ARN = `${VECTOR_BUCKET_ARN}/index/rag-index`;
const DOCS = 'rag-documents';
const KB_ROLE_ARN = `arn:aws:iam::${account}:role/bedrock-platform-service/rag-kb-role`;
const SCHEDULER_ROLE_ARN = `arn:aws:iam::${account}:role/rag-ingestion-scheduler`;
const INVOKER_ROLE_ARN = `arn:aws:iam::${account}:role/rag-invoker`;
const GUARDRAIL_ARN = `arn:aws:bedrock:${region}:${account}:guardrail/ragguard01`;
const GUARDRAIL_VERSION = '3';
const ENDPOINTS = { runtime: 'vpce-0aaaaaaaaaaaaaaa1', agentsRuntime: 'vpce-0bbbbbbbbbbbbbbb2', controlPlane: 'vpce-0ccccccccccccccc3' };
const EMBEDDING_ARN = `arn:aws:bedrock:${region}::foundation-model/amazon.titan-embed-text-v2:0`;
const GENERATION_PROFILE_ARN = `arn:aws:bedrock:${region}:${account}:inference-profile/${RAG_EXAMPLE.generationModel}`;

const env = {
  ...RAG_EXAMPLE.env,
  refs: {
    [id('KnowledgeBase/Documents/Bucket/Resource')]: DOCS,
    [id('PrivateLink/Runtime/Endpoint/Resource')]: ENDPOINTS.runtime,
    [id('PrivateLink/AgentsRuntime/Endpoint/Resource')]: ENDPOINTS.agentsRuntime,
    [id('PrivateLink/ControlPlane/Endpoint/Resource')]: ENDPOINTS.controlPlane,
  },
  attributes: {
    [`${id('KnowledgeBase/Resource')}.KnowledgeBaseArn`]: KB_ARN,
    [`${id('KnowledgeBase/VectorStore/Bucket')}.VectorBucketArn`]: VECTOR_BUCKET_ARN,
    [`${id('KnowledgeBase/VectorStore/Index')}.IndexArn`]: INDEX_ARN,
    [`${id('KnowledgeBase/Documents/Bucket/Resource')}.Arn`]: `arn:aws:s3:::${DOCS}`,
    [`${id('KnowledgeBase/Role/Resource')}.Arn`]: KB_ROLE_ARN,
    [`${id('KnowledgeBase/SchedulerRole/Resource')}.Arn`]: SCHEDULER_ROLE_ARN,
    [`${id('Invoker/Role/Resource')}.Arn`]: INVOKER_ROLE_ARN,
    [`${id('Guardrail/Resource')}.GuardrailArn`]: GUARDRAIL_ARN,
    [`${id('Guardrail/Version')}.Version`]: GUARDRAIL_VERSION,
  },
};

const kbRole = identityPoliciesOf(template, id('KnowledgeBase/Role/Resource'), env);
const schedulerRole = identityPoliciesOf(template, id('KnowledgeBase/SchedulerRole/Resource'), env);
const invoker = identityPoliciesOf(template, id('Invoker/Role/Resource'), env);
// The SCP the stack outputs for AWS Organizations (a JSON string once its intrinsics are resolved).
const scp = JSON.parse(resolveIntrinsics(template.Outputs.ServiceControlPolicy.Value, env)) as PolicyJson;
const vectorBucketPolicy = resolveIntrinsics(resources[id('KnowledgeBase/VectorStore/Policy')].Properties.Policy, env) as PolicyJson;
const inRegion = { 'aws:RequestedRegion': region };
const withGuardrail = { 'bedrock:GuardrailIdentifier': `${GUARDRAIL_ARN}:${GUARDRAIL_VERSION}` };

describe('examples/rag-knowledge-base', () => {
  test('synthesizes with zero unacknowledged findings; acknowledgements are granular and explained', () => {
    expect(Object.keys(synth.json)).toEqual([STACK]);
    expectNoFindings(synth);
    expectAcknowledgementsJustified(withoutCdkOwnAcknowledgements(synth));
  });

  test('every bucket, log group and topic is protected with the platform key', () => {
    expectDataProtected(template, { keyLogicalId: id('Key/Key/Resource') });
  });

  test('the vector bucket is encrypted with the platform key, and its vector data reserved to the knowledge base role', async () => {
    const key = { 'Fn::GetAtt': [id('Key/Key/Resource'), 'Arn'] };
    expect(resources[id('KnowledgeBase/VectorStore/Bucket')].Properties.EncryptionConfiguration).toEqual({ SseType: 'aws:kms', KmsKeyArn: key });
    expect(resources[id('KnowledgeBase/Resource')].Properties.StorageConfiguration.S3VectorsConfiguration.IndexArn).toEqual({ 'Fn::GetAtt': [id('KnowledgeBase/VectorStore/Index'), 'IndexArn'] });
    // The invoker cannot read the vectors around the knowledge base, even with an allow of its own.
    const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const query = (principal: string, identity: PolicyJson[]) =>
      decide({ principal, action: 's3vectors:QueryVectors', resource: INDEX_ARN, context: { 'aws:SecureTransport': 'true' } }, { identity, resource: vectorBucketPolicy });
    expect(await query(KB_ROLE_ARN, kbRole)).toBe('Allowed');
    expect(await query(INVOKER_ROLE_ARN, admin)).toBe('ExplicitlyDenied');
  });

  test('the bedrock-agent-runtime endpoint (Retrieve / RetrieveAndGenerate) is in the isolated VPC, with private DNS', () => {
    const endpoint = resources[id('PrivateLink/AgentsRuntime/Endpoint/Resource')].Properties;
    expect(endpoint).toMatchObject({ ServiceName: `com.amazonaws.${region}.bedrock-agent-runtime`, VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
    expect(endpoint.VpcId).toEqual({ Ref: id('PrivateLink/Vpc/Resource') });
  });

  test('the enforcement requires the pinned guardrail version on every model call but the embedding model', () => {
    const enforcement = resources[id('Enforcement/Policy/Resource')].Properties.PolicyDocument.Statement as any[];
    expect(enforcement.find((s) => s.Sid === 'DenyInvokeWithoutPlatformGuardrail')).toEqual({
      Sid: 'DenyInvokeWithoutPlatformGuardrail',
      Effect: 'Deny',
      Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      NotResource: 'arn:aws:bedrock:*::foundation-model/amazon.titan-embed-text-v2:0',
      Condition: {
        StringNotEquals: {
          'bedrock:GuardrailIdentifier': { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id('Guardrail/Resource'), 'GuardrailArn'] }, ':', { 'Fn::GetAtt': [id('Guardrail/Version'), 'Version'] }]] },
        },
      },
    });
    // The guardrail carries the RAG hallucination checks.
    const grounding = resources[id('Guardrail/Resource')].Properties.ContextualGroundingPolicyConfig.FiltersConfig;
    expect(grounding.map((f: any) => [f.Type, f.Threshold, f.Action])).toEqual([
      ['GROUNDING', 0.75, 'BLOCK'],
      ['RELEVANCE', 0.5, 'BLOCK'],
    ]);
  });

  describe('the knowledge base role: only this bucket prefix, this index, this embedding model', () => {
    const call = (action: string, resource: string, context: Record<string, string> = {}) =>
      decide({ principal: KB_ROLE_ARN, action, resource, resourceAccount: account, context: { ...inRegion, ...context } }, { identity: kbRole, scps: [scp] });

    test('reads the published documents and nothing else of the bucket or of other buckets', async () => {
      expect(await call('s3:ListBucket', `arn:aws:s3:::${DOCS}`)).toBe('Allowed');
      expect(await call('s3:GetObject', `arn:aws:s3:::${DOCS}/${RAG_EXAMPLE.documentsPrefix}handbook.pdf`)).toBe('Allowed');
      expect(await call('s3:GetObject', `arn:aws:s3:::${DOCS}/drafts/handbook.pdf`)).toBe('ImplicitlyDenied');
      expect(await call('s3:GetObject', 'arn:aws:s3:::another-bucket/published/handbook.pdf')).toBe('ImplicitlyDenied');
      expect(await call('s3:PutObject', `arn:aws:s3:::${DOCS}/${RAG_EXAMPLE.documentsPrefix}handbook.pdf`)).toBe('ImplicitlyDenied');
    });

    test('reads and writes its own index only', async () => {
      for (const action of ['s3vectors:QueryVectors', 's3vectors:PutVectors', 's3vectors:DeleteVectors']) {
        expect(await call(action, INDEX_ARN)).toBe('Allowed');
        expect(await call(action, `${VECTOR_BUCKET_ARN}/index/other-index`)).toBe('ImplicitlyDenied');
      }
      expect(await call('s3vectors:DeleteIndex', INDEX_ARN)).toBe('ImplicitlyDenied');
    });

    test('invokes the embedding model, from outside the endpoints and without a guardrail, under the SCP; no other model', async () => {
      // Bedrock's ingestion and query embedding run in AWS's network: no aws:SourceVpce, no guardrail.
      expect(await call('bedrock:InvokeModel', EMBEDDING_ARN)).toBe('Allowed');
      // Another model is not in its policy, even when the call names the guardrail.
      expect(await call('bedrock:InvokeModel', `arn:aws:bedrock:${region}::foundation-model/amazon.nova-pro-v1:0`, withGuardrail)).toBe('ImplicitlyDenied');
      expect(await call('bedrock:Retrieve', KB_ARN)).toBe('ImplicitlyDenied');
    });

    test('the ingestion schedule starts jobs of this knowledge base from outside the endpoints under the SCP', async () => {
      const start = (resource: string) => decide({ principal: SCHEDULER_ROLE_ARN, action: 'bedrock:StartIngestionJob', resource, context: inRegion }, { identity: schedulerRole, scps: [scp] });
      expect(await start(KB_ARN)).toBe('Allowed');
      expect(await start(OTHER_KB_ARN)).toBe('ImplicitlyDenied');
    });
  });

  describe('the invoker: retrieval and generation through the endpoints, with the guardrail', () => {
    const call = (action: string, resource: string, context: Record<string, string>) =>
      decide({ principal: INVOKER_ROLE_ARN, action, resource, resourceAccount: account, context: { ...inRegion, ...context } }, { identity: invoker, scps: [scp] });
    const viaAgentsRuntime = { 'aws:SourceVpce': ENDPOINTS.agentsRuntime };

    test('Retrieve and RetrieveAndGenerate on this knowledge base through the agents-runtime endpoint', async () => {
      expect(await call('bedrock:Retrieve', KB_ARN, viaAgentsRuntime)).toBe('Allowed');
      // RetrieveAndGenerate has no resource type: it is bounded by Retrieve and the model grant.
      expect(await call('bedrock:RetrieveAndGenerate', '*', viaAgentsRuntime)).toBe('Allowed');
      expect(await call('bedrock:Retrieve', OTHER_KB_ARN, viaAgentsRuntime)).toBe('ImplicitlyDenied');
    });

    test('retrieval from outside the endpoints is denied', async () => {
      expect(await call('bedrock:Retrieve', KB_ARN, { 'aws:SourceVpce': 'vpce-0ddddddddddddddd4' })).toBe('ExplicitlyDenied');
      expect(await call('bedrock:Retrieve', KB_ARN, {})).toBe('ExplicitlyDenied');
    });

    test('the generation model answers only with the pinned guardrail', async () => {
      const viaRuntime = { 'aws:SourceVpce': ENDPOINTS.runtime };
      expect(await call('bedrock:InvokeModel', GENERATION_PROFILE_ARN, { ...viaRuntime, ...withGuardrail })).toBe('Allowed');
      expect(await call('bedrock:InvokeModel', GENERATION_PROFILE_ARN, viaRuntime)).toBe('ExplicitlyDenied');
      expect(await call('bedrock:InvokeModel', GENERATION_PROFILE_ARN, { ...viaRuntime, 'bedrock:GuardrailIdentifier': `${GUARDRAIL_ARN}:DRAFT` })).toBe('ExplicitlyDenied');
      // The model call RetrieveAndGenerate makes with the caller's permissions (aws:ViaAWSService) is
      // not held to the endpoints, but is to the guardrail.
      expect(await call('bedrock:InvokeModel', GENERATION_PROFILE_ARN, { 'aws:ViaAWSService': 'true', ...withGuardrail })).toBe('Allowed');
    });

    test('the application cannot call the embedding model itself: only the knowledge base embeds', async () => {
      expect(await call('bedrock:InvokeModel', EMBEDDING_ARN, { 'aws:SourceVpce': ENDPOINTS.runtime })).toBe('ImplicitlyDenied');
    });
  });
});
