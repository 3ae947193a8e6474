/*
 * Custom resource handler: sets Amazon Bedrock model invocation logging (an account- and
 * Region-wide setting CloudFormation has no resource for) and hands it back on Delete.
 * The decisions live in logic.ts; this file only talks to Bedrock and to CloudFormation.
 */
import {
  BedrockClient,
  DeleteModelInvocationLoggingConfigurationCommand,
  GetModelInvocationLoggingConfigurationCommand,
  PutModelInvocationLoggingConfigurationCommand,
} from '@aws-sdk/client-bedrock';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { putResponse, responseBody } from './cfn-response';
import {
  DEFAULT_RETRY_POLICY,
  desiredConfiguration,
  failureReason,
  LoggingConfig,
  normalize,
  NOT_APPLIED_ID,
  planCreate,
  planDelete,
  RetryPolicy,
} from './logic';
import { REAL_CLOCK, RetryClock, withRetries } from './retry';

/** What the handler needs from the outside world; tests pass their own. */
export interface HandlerDependencies {
  readonly bedrock: BedrockClient;
  readonly clock?: RetryClock;
  readonly retryPolicy?: RetryPolicy;
  readonly log?: (entry: Record<string, unknown>) => void;
}

interface Outcome {
  readonly status: 'SUCCESS' | 'FAILED';
  readonly physicalId: string;
  readonly reason?: string;
  readonly data?: Record<string, string>;
}

const jsonLog = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/** Builds the handler around its dependencies. */
export function createHandler(deps: HandlerDependencies) {
  const clock = deps.clock ?? REAL_CLOCK;
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const log = deps.log ?? jsonLog;
  const call = <T>(what: string, fn: () => Promise<T>) => withRetries(what, fn, policy, clock, log);

  const getCurrent = async (): Promise<LoggingConfig | undefined> =>
    normalize((await call('GetModelInvocationLoggingConfiguration', () => deps.bedrock.send(new GetModelInvocationLoggingConfigurationCommand({})))).loggingConfig);
  const put = (loggingConfig: LoggingConfig) =>
    call('PutModelInvocationLoggingConfiguration', () => deps.bedrock.send(new PutModelInvocationLoggingConfigurationCommand({ loggingConfig })));
  const remove = () => call('DeleteModelInvocationLoggingConfiguration', () => deps.bedrock.send(new DeleteModelInvocationLoggingConfigurationCommand({})));

  /** `progress.physicalId` is what a failure reports: on Create, it records the previous configuration as soon as a Put may have happened. */
  async function apply(event: CloudFormationCustomResourceEvent, progress: { physicalId: string }): Promise<Outcome> {
    switch (event.RequestType) {
      case 'Create': {
        const desired = desiredConfiguration(event.ResourceProperties);
        const plan = planCreate(await getCurrent(), desired);
        // From here a failed Put may still have taken effect (a lost reply): the Delete that follows
        // a failed Create must then be able to restore, so the failure reports the recorded id.
        progress.physicalId = plan.physicalId;
        await put(desired);
        log({ level: 'INFO', message: 'applied the invocation logging configuration', requestType: 'Create', note: plan.note });
        return { status: 'SUCCESS', physicalId: plan.physicalId, data: { PreviousConfiguration: plan.previous ? 'recorded' : 'none' } };
      }
      case 'Update': {
        // The physical id never changes: it carries the configuration to restore on Delete, and a
        // new id would make CloudFormation delete (restore) right after the update.
        await put(desiredConfiguration(event.ResourceProperties));
        log({ level: 'INFO', message: 'applied the invocation logging configuration', requestType: 'Update' });
        return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
      }
      case 'Delete': {
        let ours: LoggingConfig | undefined;
        try {
          ours = desiredConfiguration(event.ResourceProperties);
        } catch {
          ours = undefined; // properties a failed Create rejected: nothing of ours can be in place
        }
        const plan = planDelete(event.PhysicalResourceId, await getCurrent(), ours);
        if (plan.action === 'restore') {
          try {
            await put(plan.previous);
          } catch (error) {
            throw new Error(
              `could not restore the invocation logging configuration that was in place before this stack (${failureReason(error, 600)}). ` +
                'Fix or remove its destinations and retry the delete, or retain this resource.',
              { cause: error },
            );
          }
        } else if (plan.action === 'delete') {
          await remove();
        }
        log({ level: 'INFO', message: 'deleted the invocation logging resource', action: plan.action, note: plan.note });
        return { status: 'SUCCESS', physicalId: event.PhysicalResourceId };
      }
    }
  }

  return async function handler(event: CloudFormationCustomResourceEvent): Promise<Outcome> {
    // Never log the ResponseURL: it is a pre-signed credential for this stack's response.
    log({ level: 'INFO', message: 'event', requestType: event.RequestType, stackId: event.StackId, logicalResourceId: event.LogicalResourceId, requestId: event.RequestId });
    const progress = { physicalId: event.RequestType === 'Create' ? NOT_APPLIED_ID : event.PhysicalResourceId };
    let outcome: Outcome;
    try {
      outcome = await apply(event, progress);
    } catch (error) {
      log({ level: 'ERROR', message: 'request failed', requestType: event.RequestType, error: failureReason(error) });
      outcome = { status: 'FAILED', physicalId: progress.physicalId, reason: failureReason(error) };
    }
    const body = responseBody(event, outcome);
    await withRetries('CloudFormation response', () => putResponse(event.ResponseURL, body), { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 8000 }, clock, log);
    return outcome;
  };
}

// Bedrock calls are retried by withRetries (bounded, with backoff, testable); the SDK's own retry
// is off so the two do not multiply.
export const handler = createHandler({ bedrock: new BedrockClient({ maxAttempts: 1 }) });
