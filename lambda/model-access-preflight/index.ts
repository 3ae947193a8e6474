/*
 * Custom resource handler: the deploy-time model-access preflight. Create and Update check every
 * model of the `Models` property (logic.ts says what and how) and answer FAILED, with what is
 * missing and how to fix it, when something is; Delete changes nothing and succeeds.
 *
 * The CloudFormation plumbing is invocation-logging's (reused by relative import, each handler is
 * bundled on its own): SDK timeouts, retries within a deadline, a watchdog that answers before the
 * function would end, and exactly one answer per event.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CustomResourceDependencies, customResourceHandler, Outcome, withCustomResourceDefaults } from '../invocation-logging/cfn-response';
import { BEDROCK_TIMEOUTS, Deadlines, explainFailure, watchdogReason } from '../invocation-logging/logic';
import { withRetries } from '../invocation-logging/retry';
import { bedrockClientFactory, HandlerContext, raceWatchdog, remainingTimeMs } from '../shared/handler-shell';
import { runPreflight } from './gather';
import { failureSummary, modelsFromProperties, PHYSICAL_ID, summaryLine } from './logic';

/** What the handler needs from the outside world; tests pass their own. */
export interface HandlerDependencies extends CustomResourceDependencies {
  readonly bedrock: BedrockClient;
  /** The Region checked. @default the function's (AWS_REGION) */
  readonly region?: string;
}

export type { HandlerContext };

export type { Outcome };

/** The Bedrock client: SDK timeouts so no call hangs, no SDK retries (withRetries retries, within the deadline). */
export const createBedrockClient = bedrockClientFactory(BEDROCK_TIMEOUTS);

export function createHandler(deps: HandlerDependencies) {
  const { clock, policy, responsePolicy, budget, log } = withCustomResourceDefaults(deps);

  async function check(event: CloudFormationCustomResourceEvent, deadline: number, signal: AbortSignal, progress: { step?: string }): Promise<Outcome> {
    if (event.RequestType === 'Delete') {
      log({ level: 'INFO', message: 'delete: nothing to do' });
      return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
    }
    const physicalId = event.RequestType === 'Update' ? event.PhysicalResourceId : PHYSICAL_ID;
    const models = modelsFromProperties(event.ResourceProperties);
    const region = deps.region ?? process.env.AWS_REGION;
    if (!region) throw new Error('the Region to check is unknown: AWS_REGION is not set');
    const report = await runPreflight(deps.bedrock, models, region, (what, send) => {
      progress.step = what;
      return withRetries(what, (attempt) => send({ abortSignal: signal, requestTimeout: attempt.timeoutMs }), { policy, deadline, clock, log, signal });
    });
    log({ level: report.ok ? 'INFO' : 'ERROR', message: summaryLine(report), report });
    const warnings = report.models.reduce((n, m) => n + m.findings.filter((f) => f.severity === 'warning').length, 0);
    if (!report.ok) return { status: 'FAILED', physicalId, reason: failureSummary(report) };
    return { status: 'SUCCESS', physicalId, data: { Summary: summaryLine(report), Warnings: String(warnings) } };
  }

  /** The check against a watchdog: a call that hangs past its own timeouts is abandoned, leaving the reserve for the reply. */
  async function checkWithinDeadline(event: CloudFormationCustomResourceEvent, limits: Deadlines, startedAt: number): Promise<Outcome> {
    const physicalId = event.RequestType === 'Create' ? PHYSICAL_ID : event.PhysicalResourceId;
    const progress: { step?: string } = {};
    return raceWatchdog<Outcome>(
      Math.max(0, limits.watchdog - clock.now()),
      (signal) =>
        check(event, limits.calls, signal, progress).catch((error: unknown): Outcome => {
          const reason = `The model access preflight could not complete: ${explainFailure(error)}`;
          if (!signal.aborted) log({ level: 'ERROR', message: 'request failed', requestType: event.RequestType, error: reason });
          return { status: 'FAILED', physicalId, reason };
        }),
      () => {
        log({ level: 'ERROR', message: 'deadline reached with a call pending; abandoned it', step: progress.step });
        return { status: 'FAILED', physicalId, reason: watchdogReason(progress.step, clock.now() - startedAt) };
      },
    );
  }

  const handle = customResourceHandler({
    clock,
    budget,
    responsePolicy,
    log,
    // A physical id the event carries, else ours (inspectEvent's default is invocation logging's).
    fallbackId: (raw) => (typeof raw.PhysicalResourceId === 'string' && raw.PhysicalResourceId.length > 0 ? raw.PhysicalResourceId : PHYSICAL_ID),
    run: checkWithinDeadline,
  });
  return (rawEvent: CloudFormationCustomResourceEvent | unknown, context?: HandlerContext): Promise<Outcome> => handle(rawEvent, () => remainingTimeMs(context));
}

export const handler = createHandler({ bedrock: createBedrockClient() });
