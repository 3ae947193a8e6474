/*
 * Pure decisions of the provisioned-throughput custom resource: no AWS calls, no clock, no I/O.
 * index.ts reads the throughput, asks these functions what to do, and does it.
 *
 * The resource runs behind the aws-cdk-lib provider framework: `onEvent` starts the change and
 * returns the physical id (the provisioned model ARN); the framework's Step Functions waiter then
 * calls `isComplete` every query interval until it answers true, throws, or the total timeout
 * passes. The framework answers CloudFormation in every case.
 *
 * API facts (Bedrock API Reference, CreateProvisionedModelThroughput / GetProvisionedModelThroughput /
 * UpdateProvisionedModelThroughput, https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateProvisionedModelThroughput.html):
 * - provisionedModelName: 1-63 characters, `([0-9a-zA-Z][_-]?)+`; changeable in place.
 * - clientRequestToken: 1-256 characters, `[a-zA-Z0-9](-*[a-zA-Z0-9])*`; a repeated token is ignored, not an error.
 * - modelUnits (>= 1) and commitmentDuration (OneMonth | SixMonths, omitted for none) never change
 *   after purchase; the model changes in place only for custom models, so this resource replaces.
 * - Status: Creating | InService | Updating | Failed (with failureMessage).
 * - A committed throughput cannot be deleted before commitmentExpirationTime.
 */
import { createHash } from 'crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

/** The commitment values of the API; none is the absence of the field. */
export const COMMITMENTS = ['OneMonth', 'SixMonths'] as const;
export type Commitment = (typeof COMMITMENTS)[number];

/** What the stack asks for, from the custom resource's properties. */
export interface DesiredThroughput {
  /** Foundation model ID (`amazon.nova-lite-v1:0:24k`) or custom model ARN. */
  readonly modelId: string;
  readonly modelUnits: number;
  readonly commitment?: Commitment;
  /** The name the user chose; undefined when the handler names the throughput itself. */
  readonly name?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What GetProvisionedModelThroughput says of a throughput, in the fields the decisions read. */
export interface ThroughputState {
  readonly arn: string;
  readonly name: string;
  readonly status: string;
  readonly modelArn?: string;
  readonly desiredModelArn?: string;
  readonly foundationModelArn?: string;
  readonly modelUnits?: number;
  readonly desiredModelUnits?: number;
  readonly commitment?: string;
  /** Milliseconds since the epoch. */
  readonly commitmentExpiresAt?: number;
  readonly failureMessage?: string;
}

/** A configuration error in the resource properties: reported to CloudFormation as is. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

export const NAME_PATTERN = /^([0-9a-zA-Z][_-]?)+$/;
export const MAX_NAME_LENGTH = 63;
export const TOKEN_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;
export const MAX_TOKEN_LENGTH = 256;
/** Bedrock tag keys and values (TagKey / TagValue shapes): 1-128 and 0-256 characters of this set. */
const TAG_PATTERN = /^[a-zA-Z0-9\s._:/=+@-]*$/;
/** Tags per Bedrock resource (TooManyTagsException: "50 tags per resource"). */
export const MAX_TAGS = 50;

/** The event fields the handler adds for isComplete (the framework passes onEvent's result on). */
export const ACTION_FIELD = 'ThroughputAction';

/**
 * What onEvent did, for isComplete:
 * - create: bought a throughput (Create, or the new one of a replacement);
 * - update: renamed or retagged the existing one in place;
 * - delete: asked Bedrock to delete it;
 * - retain: left a committed throughput in place (it cannot be deleted during its term);
 * - none: nothing to wait for (deleted already).
 */
export type ThroughputAction = 'create' | 'update' | 'delete' | 'retain' | 'none';

function str(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new InvalidPropertiesError(`${path} must be a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

/** The properties of the resource, checked (CloudFormation hands every scalar over as a string). */
export function desiredThroughput(properties: Record<string, unknown> | undefined): DesiredThroughput {
  const p = properties ?? {};
  const modelId = str('ModelId', p.ModelId);
  const units = typeof p.ModelUnits === 'number' ? p.ModelUnits : typeof p.ModelUnits === 'string' && /^\d+$/.test(p.ModelUnits) ? Number(p.ModelUnits) : NaN;
  if (!Number.isSafeInteger(units) || units < 1) throw new InvalidPropertiesError(`ModelUnits must be a positive integer, got ${JSON.stringify(p.ModelUnits)}`);
  let commitment: Commitment | undefined;
  if (p.CommitmentDuration !== undefined && p.CommitmentDuration !== '') {
    if (!(COMMITMENTS as readonly unknown[]).includes(p.CommitmentDuration)) {
      throw new InvalidPropertiesError(`CommitmentDuration must be OneMonth, SixMonths or absent (no commitment), got ${JSON.stringify(p.CommitmentDuration)}`);
    }
    commitment = p.CommitmentDuration as Commitment;
  }
  let name: string | undefined;
  if (p.ProvisionedModelName !== undefined && p.ProvisionedModelName !== '') {
    name = str('ProvisionedModelName', p.ProvisionedModelName);
    if (name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
      throw new InvalidPropertiesError(`ProvisionedModelName must be 1-${MAX_NAME_LENGTH} letters and digits, each optionally followed by one - or _, got ${JSON.stringify(name)}`);
    }
  }
  const tags: Record<string, string> = {};
  if (p.Tags !== undefined) {
    if (typeof p.Tags !== 'object' || p.Tags === null || Array.isArray(p.Tags)) throw new InvalidPropertiesError('Tags must be an object of key-value strings');
    for (const [key, value] of Object.entries(p.Tags as Record<string, unknown>)) {
      if (key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key)) throw new InvalidPropertiesError(`tag key ${JSON.stringify(key)} must be 1-128 characters of letters, digits, spaces and ._:/=+@-`);
      if (typeof value !== 'string' || value.length > 256 || !TAG_PATTERN.test(value)) {
        throw new InvalidPropertiesError(`tag ${key} must have a value of 0-256 characters of letters, digits, spaces and ._:/=+@-, got ${JSON.stringify(value)}`);
      }
      tags[key] = value;
    }
    if (Object.keys(tags).length > MAX_TAGS) throw new InvalidPropertiesError(`at most ${MAX_TAGS} tags per provisioned throughput, got ${Object.keys(tags).length}`);
  }
  return { modelId, modelUnits: units, commitment, name, tags };
}

/** The properties, or undefined when they do not parse (a rejected Create's, during its Delete). */
export function desiredOrUndefined(properties: Record<string, unknown> | undefined): DesiredThroughput | undefined {
  try {
    return desiredThroughput(properties);
  } catch {
    return undefined;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The client request token of a Create: derived from the request alone, so a repeated invocation
 * for the same CloudFormation request (a retry, a duplicate delivery) buys nothing twice, and two
 * requests (a replacement, a second stack) never share one. 64 hex digits fit the API's pattern.
 */
export function clientRequestToken(event: Pick<CloudFormationCustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>): string {
  return sha256(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`);
}

/**
 * The name of a throughput the user did not name: `<stack>-<logical id>` shortened, then 12 hex
 * digits of the request, so a replacement (which exists next to the old throughput until
 * CloudFormation deletes that one) never collides with the old name. Only this handler makes names
 * with that suffix, which lets it find its own throughput after a lost Create response.
 */
export function generatedName(event: Pick<CloudFormationCustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>): string {
  const stackName = /:stack\/([^/]+)\//.exec(event.StackId ?? '')?.[1] ?? 'stack';
  const clean = (s: string) => s.replace(/[^0-9A-Za-z]+/g, '-').replace(/^-+|-+$/g, '');
  const base = clean(`${stackName}-${event.LogicalResourceId ?? 'Throughput'}`).slice(0, MAX_NAME_LENGTH - 13).replace(/-+$/, '') || 'throughput';
  return `${base}-${sha256(`${event.StackId}|${event.LogicalResourceId}|${event.RequestId}`).slice(0, 12)}`;
}

/** The name a Create uses: the user's, or a generated one. */
export function nameFor(desired: DesiredThroughput, event: Pick<CloudFormationCustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>): string {
  return desired.name ?? generatedName(event);
}

/** The CreateProvisionedModelThroughput input for `desired` (commitment omitted for none). */
export function createRequest(desired: DesiredThroughput, event: Pick<CloudFormationCustomResourceEvent, 'StackId' | 'LogicalResourceId' | 'RequestId'>) {
  const tags = Object.entries(desired.tags).map(([key, value]) => ({ key, value }));
  return {
    clientRequestToken: clientRequestToken(event),
    modelUnits: desired.modelUnits,
    provisionedModelName: nameFor(desired, event),
    modelId: desired.modelId,
    ...(desired.commitment ? { commitmentDuration: desired.commitment } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/**
 * Whether a throughput's model is `modelId`: the same ARN, or a foundation-model ARN ending in
 * the model ID (Get reports ARNs; the stack may name a foundation model by ID).
 */
export function sameModel(arn: string | undefined, modelId: string): boolean {
  if (!arn) return false;
  if (arn === modelId) return true;
  return !modelId.startsWith('arn:') && arn.endsWith(`:foundation-model/${modelId}`);
}

/** What cannot change in place: the model, the model units and the commitment. Compared with what exists, not with the old properties. */
export function needsReplacement(current: ThroughputState, desired: DesiredThroughput): string[] {
  const reasons: string[] = [];
  if (!sameModel(current.desiredModelArn ?? current.modelArn, desired.modelId)) reasons.push(`model ${current.desiredModelArn ?? current.modelArn ?? '?'} -> ${desired.modelId}`);
  const units = current.desiredModelUnits ?? current.modelUnits;
  if (units !== desired.modelUnits) reasons.push(`model units ${units ?? '?'} -> ${desired.modelUnits}`);
  if ((current.commitment ?? undefined) !== desired.commitment) reasons.push(`commitment ${current.commitment ?? 'none'} -> ${desired.commitment ?? 'none'}`);
  return reasons;
}

/** What an Update does. */
export type UpdatePlan =
  /** Buy a new throughput (new physical id); CloudFormation deletes the old one once the update succeeded. */
  | { readonly action: 'replace'; readonly why: string }
  /** Change the name and/or tags of the existing one. */
  | { readonly action: 'update'; readonly rename?: string; readonly tagsToSet: Record<string, string>; readonly tagKeysToRemove: string[] }
  | { readonly action: 'none' }
  | { readonly action: 'refuse'; readonly reason: string };

/**
 * Decides an Update from what exists (`current`; undefined when it is gone) and the properties.
 * Comparing with what exists rather than with the old properties keeps a rollback (which sends the
 * old properties back) from buying a second throughput when nothing was replaced.
 */
export function planUpdate(current: ThroughputState | undefined, desired: DesiredThroughput, old: DesiredThroughput | undefined): UpdatePlan {
  if (!current) return { action: 'replace', why: 'the throughput no longer exists (deleted outside CloudFormation)' };
  const reasons = needsReplacement(current, desired);
  if (reasons.length > 0) {
    if (desired.name !== undefined && desired.name === current.name) {
      return {
        action: 'refuse',
        reason:
          `Changing ${reasons.join(', ')} needs a new provisioned throughput, bought before the old one is deleted, and provisioned throughput names are unique: ` +
          `the new one cannot also be named ${desired.name}. Nothing was changed. Change the name too, or leave it unset so the stack names each throughput itself.`,
      };
    }
    return { action: 'replace', why: reasons.join(', ') };
  }
  const rename = desired.name !== undefined && desired.name !== current.name ? desired.name : undefined;
  const before = old?.tags ?? {};
  const tagsToSet = Object.fromEntries(Object.entries(desired.tags).filter(([k, v]) => before[k] !== v));
  const tagKeysToRemove = Object.keys(before).filter((k) => !(k in desired.tags));
  if (rename === undefined && Object.keys(tagsToSet).length === 0 && tagKeysToRemove.length === 0) return { action: 'none' };
  return { action: 'update', rename, tagsToSet, tagKeysToRemove };
}

/** What a Delete does. */
export type DeletePlan =
  | { readonly action: 'none'; readonly note: string }
  | { readonly action: 'retain'; readonly note: string }
  | { readonly action: 'delete'; readonly note: string };

/**
 * A committed throughput cannot be deleted before its term ends: it is left in place (it keeps
 * billing until then) and the Delete succeeds, so the stack can go. After its term, or when it
 * failed, it is deleted like any other. `now` is milliseconds since the epoch.
 */
export function planDelete(current: ThroughputState | undefined, now: number): DeletePlan {
  if (!current) return { action: 'none', note: 'the throughput does not exist (never created, or deleted already)' };
  if (current.commitment && current.status !== 'Failed' && (current.commitmentExpiresAt === undefined || current.commitmentExpiresAt > now)) {
    const until = current.commitmentExpiresAt === undefined ? 'the end of its term' : new Date(current.commitmentExpiresAt).toISOString();
    return {
      action: 'retain',
      note: `${current.arn} has a ${current.commitment} commitment and cannot be deleted before ${until}: RETAINED, and it bills until then. Delete it after its term (aws bedrock delete-provisioned-model-throughput).`,
    };
  }
  return { action: 'delete', note: current.commitment ? `the ${current.commitment} term of ${current.arn} is over (or it failed): deleting` : `deleting no-commitment throughput ${current.arn}` };
}

/** What isComplete answers for the state it read. */
export type Completion =
  | { readonly kind: 'complete'; readonly data?: Record<string, string> }
  | { readonly kind: 'wait'; readonly note: string }
  /** Fail the deployment with `reason`; `cleanUp`: delete the failed throughput first (it is this request's purchase). */
  | { readonly kind: 'fail'; readonly reason: string; readonly cleanUp: boolean };

/** The attributes the resource exposes (`Fn::GetAtt`). */
export function attributesOf(state: ThroughputState): Record<string, string> {
  return {
    ProvisionedModelArn: state.arn,
    ProvisionedModelName: state.name,
    ...(state.modelArn ? { ModelArn: state.modelArn } : {}),
    ...(state.foundationModelArn ? { FoundationModelArn: state.foundationModelArn } : {}),
    ...(state.commitmentExpiresAt !== undefined ? { CommitmentExpirationTime: new Date(state.commitmentExpiresAt).toISOString() } : {}),
  };
}

/**
 * Maps the state of the throughput to an isComplete answer for what onEvent did (`action`).
 * `expectedName`: after a rename, complete only once the new name shows (the status may still read
 * InService for a moment before Updating).
 */
export function completion(action: ThroughputAction, state: ThroughputState | undefined, expectedName?: string): Completion {
  switch (action) {
    case 'none':
    case 'retain':
      return { kind: 'complete' };
    case 'delete':
      return state ? { kind: 'wait', note: `still there (${state.status}), being deleted` } : { kind: 'complete' };
    case 'create':
    case 'update': {
      if (!state) {
        return { kind: 'fail', reason: 'the provisioned throughput disappeared while CloudFormation waited for it (deleted outside CloudFormation?)', cleanUp: false };
      }
      switch (state.status) {
        case 'InService':
          if (expectedName !== undefined && state.name !== expectedName) return { kind: 'wait', note: `rename to ${expectedName} not visible yet` };
          return { kind: 'complete', data: attributesOf(state) };
        case 'Creating':
        case 'Updating':
          return { kind: 'wait', note: state.status };
        case 'Failed':
          return {
            kind: 'fail',
            reason: `Provisioned throughput ${state.arn} ended Failed: ${state.failureMessage ?? 'Bedrock gave no failureMessage'}`,
            // Only a purchase of this request is removed; a rename that failed leaves the throughput as it was.
            cleanUp: action === 'create',
          };
        default:
          return { kind: 'wait', note: `unknown status ${JSON.stringify(state.status)}` };
      }
    }
    default:
      return { kind: 'fail', reason: `unknown ${ACTION_FIELD} ${JSON.stringify(action)}`, cleanUp: false };
  }
}

/** Whether `error` says the throughput does not exist. */
export function isNotFound(error: unknown): boolean {
  const e = (error ?? {}) as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'ResourceNotFoundException' || e.$metadata?.httpStatusCode === 404;
}
