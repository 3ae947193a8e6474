/*
 * Model-access preflight from a terminal, with the caller's credentials (the SDK's default
 * credential chain: environment, profile, SSO, instance role):
 *
 *   npm run preflight -- --region eu-west-1 --models eu.anthropic.claude-sonnet-4-5-20250929-v1:0,amazon.nova-lite-v1:0 [--json]
 *
 * Prints, for each model, what is missing (Region, profile, authorization, entitlement, agreement)
 * and how to fix it. Exit code 0 when every model is ready (warnings allowed), 1 when something is
 * missing, 2 when the command is misused or the check could not complete.
 *
 * The checks are the deploy-time custom resource's (lambda/model-access-preflight); the caller
 * needs bedrock:GetFoundationModelAvailability, bedrock:ListFoundationModelAgreementOffers,
 * bedrock:GetFoundationModel, bedrock:GetInferenceProfile and bedrock:GetProvisionedModelThroughput.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockModel } from '../lib/core/bedrock-model';
import { runPreflight } from '../lambda/model-access-preflight/gather';
import { formatReport, ModelKind, ModelToCheck } from '../lambda/model-access-preflight/logic';
import { failureReason, RetryPolicy } from '../lambda/invocation-logging/logic';
import { REAL_CLOCK, RetryClock, withRetries } from '../lambda/invocation-logging/retry';

export const USAGE = 'usage: npm run preflight -- --region <region> --models <id-or-arn>[,<id-or-arn>...] [--json]';

export interface PreflightArgs {
  readonly region: string;
  readonly models: ModelToCheck[];
  readonly json: boolean;
}

/** A misuse of the command: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const REGION = /^[a-z]{2,4}(-[a-z]+)+-\d$/;

/** Reads `--region R --models a,b [--json]` (also `--region=R`, `--models=a,b`). */
export function parseArgs(argv: readonly string[]): PreflightArgs | 'help' {
  let region: string | undefined;
  let models: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--region':
        region = value();
        break;
      case '--models':
        models = value();
        break;
      case '--json':
        json = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown argument ${JSON.stringify(argv[i])}`);
    }
  }
  if (region === undefined) throw new UsageError('--region is required');
  if (!REGION.test(region)) throw new UsageError(`--region ${JSON.stringify(region)} is not a Region code such as eu-west-1`);
  const ids = (models ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0);
  if (ids.length === 0) throw new UsageError('--models needs at least one model ID or ARN, comma-separated');
  return { region, json, models: [...new Set(ids)].map(toCheck) };
}

/** The one parser of the library classifies each model, as the constructs do. */
function toCheck(id: string): ModelToCheck {
  const model = BedrockModel.parse(id);
  if (model.kind === undefined || id.includes('*')) {
    throw new UsageError(`${JSON.stringify(id)} is not a model: give a foundation model ID (amazon.nova-lite-v1:0), a cross-Region profile ID (us.amazon.nova-pro-v1:0) or a Bedrock model ARN`);
  }
  return { kind: model.kind as string as ModelKind, id, ...(model.region ? { region: model.region } : {}) };
}

export interface MainDependencies {
  /** @default a BedrockClient of the Region, with the default credential chain */
  readonly bedrock?: (region: string) => BedrockClient;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
  readonly clock?: RetryClock;
  readonly retryPolicy?: RetryPolicy;
  /** @default 120 s for the whole check */
  readonly timeBudgetMs?: number;
}

/** Retries throttling and 5xx for up to two minutes in all; each attempt 20 s at most. */
const CLI_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8000, attemptTimeoutMs: 20_000, minAttemptMs: 1_000 };

/** Runs the command; resolves to its exit code. */
export async function main(argv: readonly string[], deps: MainDependencies = {}): Promise<number> {
  const out = deps.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = deps.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  let args: PreflightArgs | 'help';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`preflight: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  const clock = deps.clock ?? REAL_CLOCK;
  const policy = deps.retryPolicy ?? CLI_RETRY_POLICY;
  const deadline = clock.now() + (deps.timeBudgetMs ?? 120_000);
  const bedrock = deps.bedrock ? deps.bedrock(args.region) : new BedrockClient({ region: args.region, maxAttempts: 1 });
  const log = (entry: Record<string, unknown>) => err(`preflight: ${String(entry.message)}${entry.error ? ` (${String(entry.error)})` : ''}`);
  try {
    const report = await runPreflight(bedrock, args.models, args.region, (what, send) =>
      withRetries(what, (attempt) => send({ requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log }),
    );
    out(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    err(`preflight: the check could not complete: ${failureReason(e)}`);
    return 2;
  } finally {
    if (!deps.bedrock) bedrock.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}
