/*
 * Asks Bedrock the preflight's questions (logic.ts `nextQueries`) and records the answers: the one
 * I/O loop, shared by the custom resource (index.ts) and the command (scripts/preflight.ts).
 */
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  GetFoundationModelCommand,
  GetInferenceProfileCommand,
  GetProvisionedModelThroughputCommand,
  ListFoundationModelAgreementOffersCommand,
} from '@aws-sdk/client-bedrock';
import {
  Answer,
  ANSWER_ERRORS,
  Answers,
  availabilityFacts,
  evaluate,
  foundationModelFacts,
  inferenceProfileFacts,
  ModelToCheck,
  nextQueries,
  offerFacts,
  PreflightReport,
  provisionedModelFacts,
  Query,
  queryKey,
} from './logic';

/** Per-call options the SDK takes: the caller's abort signal and the attempt's timeout. */
export interface SendOptions {
  readonly abortSignal?: AbortSignal;
  readonly requestTimeout?: number;
}

/** Runs one Bedrock call, with whatever retries, timeouts and deadline the caller applies. */
export type CallRunner = <T>(what: string, send: (options: SendOptions) => Promise<T>) => Promise<T>;

/** Bounds the loop: a model list never needs more rounds (model, routed models, offers). */
const MAX_ROUNDS = 5;

async function ask(bedrock: BedrockClient, q: Query, run: CallRunner): Promise<Answer> {
  try {
    switch (q.api) {
      case 'GetFoundationModel':
        return { ok: true, value: foundationModelFacts((await run(q.api, (o) => bedrock.send(new GetFoundationModelCommand({ modelIdentifier: q.id }), o))).modelDetails) };
      case 'GetFoundationModelAvailability':
        return { ok: true, value: availabilityFacts(await run(q.api, (o) => bedrock.send(new GetFoundationModelAvailabilityCommand({ modelId: q.id }), o))) };
      case 'GetInferenceProfile':
        return { ok: true, value: inferenceProfileFacts(await run(q.api, (o) => bedrock.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: q.id }), o))) };
      case 'GetProvisionedModelThroughput':
        return { ok: true, value: provisionedModelFacts(await run(q.api, (o) => bedrock.send(new GetProvisionedModelThroughputCommand({ provisionedModelId: q.id }), o))) };
      case 'ListFoundationModelAgreementOffers':
        return { ok: true, value: offerFacts(await run(q.api, (o) => bedrock.send(new ListFoundationModelAgreementOffersCommand({ modelId: q.id }), o))) };
    }
  } catch (error) {
    const e = (error ?? {}) as { name?: string; message?: string };
    // Not found, denied, invalid: an answer about the model. Anything else stops the check.
    if (e.name && ANSWER_ERRORS.includes(e.name)) return { ok: false, error: { name: e.name, message: e.message ?? '' } };
    throw error;
  }
}

/** Asks every question the models need, one call at a time (a deploy-time check: gentle on throttling, answers in a fixed order). */
export async function gatherAnswers(bedrock: BedrockClient, models: readonly ModelToCheck[], region: string, run: CallRunner): Promise<Answers> {
  const answers: Record<string, Answer> = {};
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const queries = nextQueries(models, region, answers);
    if (queries.length === 0) break;
    for (const q of queries) answers[queryKey(q)] = await ask(bedrock, q, run);
  }
  return answers;
}

/** Checks `models` in `region` and returns the report. */
export async function runPreflight(bedrock: BedrockClient, models: readonly ModelToCheck[], region: string, run: CallRunner): Promise<PreflightReport> {
  return evaluate(models, region, await gatherAnswers(bedrock, models, region, run));
}
