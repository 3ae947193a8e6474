import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { BedrockFeature, BedrockModel, BedrockPlatform, ChunkingStrategy, ContextualGroundingType, EmbeddingModel, GuardrailPresets, PersonaTrust } from '../../lib';

/**
 * Retrieval-augmented generation (RAG) on a private, governed Bedrock platform, in one stack:
 *
 * - **Knowledge base** on Amazon S3 Vectors: a documents bucket (platform key, TLS only, versioned,
 *   access logged, kept), a vector bucket and index encrypted with the platform key and reserved to
 *   the knowledge base's role, hierarchical chunking of the `published/` prefix, ingestion every six
 *   hours (EventBridge Scheduler, no Lambda), ingestion logs and failed-ingestion alarms.
 * - **Guardrail** (balanced preset plus contextual grounding and relevance checks, the hallucination
 *   check that only RAG answers carry a source for), with a pinned version every call must name.
 * - **Invoker role** for the application (Lambda): Retrieve / RetrieveAndGenerate on this knowledge
 *   base, the generation models, the guardrail; the embedding model is not among its models (only
 *   the knowledge base's role embeds).
 * - **Private path**: an isolated VPC (no internet route) with the bedrock-runtime and
 *   bedrock-agent-runtime interface endpoints, and an enforcement (identity policy on the invoker,
 *   and an SCP document) that denies Bedrock calls from outside them. Bedrock's own calls with the
 *   knowledge base's role (on the reserved service-role path) and the ingestion schedule's role are
 *   exempt from the SCP's private-path denies; the embedding model is exempt from the guardrail.
 * - The platform's defaults around it: audit trail, model invocation logging, monitoring and alarms,
 *   AWS Config rules, AWS Health events.
 *
 * How the application calls it (from the VPC, with the invoker role):
 * - Retrieve (bedrock-agent-runtime endpoint), then Converse with the retrieved passages marked as
 *   the grounding source and `guardrailConfig` naming the guardrail ARN and the pinned version (the
 *   `GuardrailArn` and `GuardrailVersion` outputs): what the enforcement requires of every model call.
 * - Or RetrieveAndGenerate with `generationConfiguration.guardrailConfiguration` (guardrail ID and
 *   version): Bedrock then invokes the generation model with the caller's permissions. AWS documents
 *   `bedrock:GuardrailIdentifier` for Converse and InvokeModel only
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html), so check on
 *   the first deployment that this call passes the enforcement's guardrail deny; the first path does.
 *
 * What it costs (us-east-1 list prices; `tsx scripts/synth.ts --app examples/rag-knowledge-base/app.ts`
 * prints the fixed part, about $55 a month):
 * - Fixed, by existing: interface endpoints, $0.01 an hour each per Availability Zone (about $7.30 a
 *   month): bedrock-runtime, bedrock-agent-runtime and the bedrock control-plane endpoint the
 *   platform's invocation-logging function calls, in two AZs: about $44. CloudWatch alarms ($0.10
 *   per alarm metric, about $4.40), the two monitoring dashboards ($3 each), the KMS key ($1).
 * - No fixed cost for the knowledge base or S3 Vectors: the vector bucket is billed for the vectors
 *   stored, written and queried; there is no cluster or capacity to pay for when idle (unlike
 *   OpenSearch Serverless, whose minimum OCUs bill around the clock).
 * - Per use: embedding tokens at ingestion (new and changed documents) and for every query,
 *   generation tokens, guardrail text units (content filters, PII and the grounding check are each
 *   billed), endpoint data processing, S3 storage and requests, log ingestion, CloudTrail data
 *   events, AWS Config rule evaluations. The schedule's 120 runs a month fit the Scheduler free tier.
 */
export const RAG_EXAMPLE = {
  env: { account: '123456789012', region: 'us-east-1' },
  /** The model that writes the answers: a US cross-Region profile (more throughput, US Regions only). */
  generationModel: 'us.amazon.nova-pro-v1:0',
  /** A smaller model the application may call directly (plain InvokeModel / Converse with the guardrail). */
  chatModel: 'amazon.nova-lite-v1:0',
  /** Only the documents under this prefix are ingested: drafts elsewhere in the bucket stay out of answers. */
  documentsPrefix: 'published/',
};

export function buildRagKnowledgeBaseExample(app: App): Stack[] {
  const stack = new Stack(app, 'BedrockRagKnowledgeBase', {
    env: RAG_EXAMPLE.env,
    description: 'Bedrock platform: knowledge base on S3 Vectors, guardrail, invoker role, private path',
  });

  const platform = new BedrockPlatform(stack, 'Platform', {
    // One list: the endpoint policies and the invoker's IAM policy both allow exactly these models.
    models: [RAG_EXAMPLE.generationModel, RAG_EXAMPLE.chatModel].map((id) => BedrockModel.parse(id)),
    alertEmails: ['rag-platform-alerts@example.com'],
    // Merged over GuardrailPresets.balanced(); spelled out here so the whole configuration reads in one place.
    guardrail: {
      ...GuardrailPresets.balanced(),
      description: 'RAG assistant: harmful content, prompt attacks, secrets, ungrounded answers',
      // Answers the retrieved passages do not support (grounding) or that miss the question
      // (relevance) are blocked: https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-contextual-grounding-check.html
      contextualGrounding: [
        { type: ContextualGroundingType.GROUNDING, threshold: 0.75 },
        { type: ContextualGroundingType.RELEVANCE, threshold: 0.5 },
      ],
    },
    knowledgeBase: {
      description: 'Published company policies and procedures',
      // Titan Text Embeddings V2 at 1024 dimensions (the default), stated so that a change is a
      // visible decision: another model or size replaces the index and needs a re-ingestion.
      embeddingModel: EmbeddingModel.TITAN_TEXT_V2,
      // Small child chunks are matched, their larger parent passages are what the model reads.
      chunking: ChunkingStrategy.hierarchical({ parentMaxTokens: 1500, childMaxTokens: 300, overlapTokens: 60 }),
      inclusionPrefixes: [RAG_EXAMPLE.documentsPrefix],
      ingestionSchedule: scheduler.ScheduleExpression.rate(Duration.hours(6)),
    },
    // The default private path: bedrock-runtime and bedrock-agent-runtime endpoints in an isolated VPC.
    network: { privateLink: { features: [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME] } },
    access: {
      enforcement: {
        // Every Bedrock call of the personas through this platform's endpoints (the platform
        // guardrail is required by default). The SCP form also spares these principals.
        requirePrivatePath: true,
        scpExemptPrincipalArns: ['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*'],
      },
      // The application's functions (in the VPC's isolated subnets) assume this role.
      invoker: { trust: PersonaTrust.service('lambda.amazonaws.com') },
    },
  });

  const knowledgeBase = platform.knowledgeBase!;
  const guardrail = platform.guardrail!;
  const privateLink = platform.privateLink!;
  new CfnOutput(stack, 'KnowledgeBaseId', { value: knowledgeBase.knowledgeBaseId, description: 'knowledgeBaseId of Retrieve / RetrieveAndGenerate' });
  new CfnOutput(stack, 'DocumentsBucketName', { value: knowledgeBase.documentsBucket.bucketName, description: `Upload documents under ${RAG_EXAMPLE.documentsPrefix}` });
  new CfnOutput(stack, 'DataSourceId', { value: knowledgeBase.dataSourceId, description: 'Start an ingestion job now instead of waiting for the schedule' });
  new CfnOutput(stack, 'GuardrailArn', { value: guardrail.guardrailArn, description: 'guardrailConfig.guardrailIdentifier of Converse (the enforcement matches ARN:version)' });
  new CfnOutput(stack, 'GuardrailId', { value: guardrail.guardrailId, description: 'guardrailConfiguration.guardrailId of RetrieveAndGenerate' });
  new CfnOutput(stack, 'GuardrailVersion', { value: guardrail.guardrailVersion, description: 'guardrailConfiguration.guardrailVersion: the enforcement requires this one' });
  new CfnOutput(stack, 'InvokerRoleArn', { value: platform.invoker!.role.roleArn, description: 'Execution role of the application functions' });
  new CfnOutput(stack, 'AgentsRuntimeEndpointId', { value: privateLink.endpointId(BedrockFeature.AGENTS_RUNTIME), description: 'Retrieve / RetrieveAndGenerate go through this endpoint' });
  new CfnOutput(stack, 'VpcId', { value: privateLink.vpc.vpcId, description: 'Run the application functions in its isolated subnets' });
  // The same enforcement for AWS Organizations: it spares the knowledge base's role (reserved
  // service-role path) and the ingestion schedule's role the private-path denies. The endpoint IDs
  // are known after deployment, so the stack outputs the finished document.
  new CfnOutput(stack, 'ServiceControlPolicy', {
    value: stack.toJsonString(platform.enforcement!.serviceControlPolicyDocument),
    description: 'SCP enforcing the guardrail and the private path for Bedrock; attach it in AWS Organizations',
  });
  return [stack];
}
