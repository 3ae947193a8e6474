/*
 * Pure core of the model-access preflight: which Bedrock questions to ask about a list of models,
 * and what the answers mean. No AWS calls, no clock, no I/O: the custom resource (index.ts) and the
 * command (scripts/preflight.ts) ask the questions (gather.ts) and hand the answers here.
 *
 * What is checked, per model kind:
 * - foundation model: offered in the Region (GetFoundationModel, GetFoundationModelAvailability
 *   regionAvailability), invocable on demand by its ID (inferenceTypesSupported), lifecycle
 *   (LEGACY is a warning), and the account's access: authorizationStatus, entitlementAvailability
 *   and, for third-party models, agreementAvailability.status;
 * - cross-Region (system) profile: the profile exists in the Region (GetInferenceProfile), and the
 *   account's access to the foundation model it routes to (the Region check does not apply: the
 *   profile routes the request to a Region that offers the model);
 * - application profile: it exists and is ACTIVE, and the account's access to every foundation
 *   model it routes to (its `models` as GetInferenceProfile reports them);
 * - provisioned model: InService (GetProvisionedModelThroughput), and the account's access to its
 *   foundation model when it is one;
 * - custom and imported models, deployments, Mantle models: not checked (reported as skipped).
 *
 * API fields: @aws-sdk/client-bedrock 3.1162 types (GetFoundationModelAvailabilityResponse,
 * AgreementAvailability, FoundationModelDetails, GetInferenceProfileResponse,
 * GetProvisionedModelThroughputResponse, ListFoundationModelAgreementOffersResponse) and the
 * Bedrock API Reference, "GetFoundationModelAvailability". Model access: Bedrock User Guide,
 * "Access Amazon Bedrock foundation models" (https://docs.aws.amazon.com/bedrock/latest/userguide/model-access.html).
 */
import type {
  FoundationModelDetails,
  GetFoundationModelAvailabilityResponse,
  GetInferenceProfileResponse,
  GetProvisionedModelThroughputResponse,
  ListFoundationModelAgreementOffersResponse,
} from '@aws-sdk/client-bedrock';
import { GEOGRAPHY_REGIONS, GLOBAL_PROFILE_PREFIX, narrowestGeographyOf } from '../../lib/core/inference-geographies';

/** Kinds of model the preflight is given: the values of the library's `BedrockModelKind`. */
export const MODEL_KINDS = [
  'foundation-model',
  'inference-profile',
  'application-inference-profile',
  'provisioned-model',
  'custom-model',
  'imported-model',
  'custom-model-deployment',
  'mantle-model',
] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** One model to check: its kind, ID or ARN, and for a foundation model the Region it is invoked in when not the checked one. */
export interface ModelToCheck {
  readonly kind: ModelKind;
  readonly id: string;
  readonly region?: string;
}

const KIND_NAMES: Record<ModelKind, string> = {
  'foundation-model': 'foundation model',
  'inference-profile': 'cross-Region inference profile',
  'application-inference-profile': 'application inference profile',
  'provisioned-model': 'provisioned model',
  'custom-model': 'custom model',
  'imported-model': 'imported model',
  'custom-model-deployment': 'custom model deployment',
  'mantle-model': 'Mantle model',
};

// ---------------------------------------------------------------------------------------------
// Questions and answers
// ---------------------------------------------------------------------------------------------

export type Api = 'GetFoundationModel' | 'GetFoundationModelAvailability' | 'GetInferenceProfile' | 'GetProvisionedModelThroughput' | 'ListFoundationModelAgreementOffers';

/** One call to make: the API and the identifier it is about. */
export interface Query {
  readonly api: Api;
  readonly id: string;
}

/** The key of a query's answer in {@link Answers}. */
export const queryKey = (q: Query): string => `${q.api} ${q.id}`;

/** What the preflight reads of GetFoundationModel. */
export interface FoundationModelFacts {
  readonly inferenceTypesSupported?: readonly string[];
  readonly lifecycleStatus?: string;
  readonly legacyTime?: string;
  readonly endOfLifeTime?: string;
}

/** What the preflight reads of GetFoundationModelAvailability. */
export interface AvailabilityFacts {
  readonly regionAvailability?: string;
  readonly authorizationStatus?: string;
  readonly entitlementAvailability?: string;
  readonly agreementStatus?: string;
  readonly agreementErrorMessage?: string;
}

/** What the preflight reads of GetInferenceProfile. */
export interface InferenceProfileFacts {
  readonly status?: string;
  readonly type?: string;
  readonly modelArns: readonly string[];
}

/** What the preflight reads of GetProvisionedModelThroughput. */
export interface ProvisionedModelFacts {
  readonly status?: string;
  readonly modelArn?: string;
  readonly failureMessage?: string;
}

/** What the preflight reads of ListFoundationModelAgreementOffers: the offers, without their tokens. */
export interface OfferFacts {
  readonly offers: ReadonlyArray<{ readonly offerId?: string; readonly legalTermUrl?: string }>;
}

/**
 * The answer to a query: the facts, or the error the service answered with. Only errors that are
 * answers are recorded (not found, access denied, validation); throttling, 5xx and timeouts are
 * retried by the caller and, if they persist, stop the check.
 */
export type Answer<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: { readonly name: string; readonly message: string } };

export type Answers = Readonly<Record<string, Answer>>;

/** Service errors that answer a question (rather than failing to). */
export const ANSWER_ERRORS: readonly string[] = ['ResourceNotFoundException', 'AccessDeniedException', 'ValidationException'];

const iso = (d: Date | undefined) => (d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined);

export function foundationModelFacts(details: FoundationModelDetails | undefined): FoundationModelFacts {
  return {
    inferenceTypesSupported: details?.inferenceTypesSupported ? [...details.inferenceTypesSupported] : undefined,
    lifecycleStatus: details?.modelLifecycle?.status,
    legacyTime: iso(details?.modelLifecycle?.legacyTime),
    endOfLifeTime: iso(details?.modelLifecycle?.endOfLifeTime),
  };
}

export function availabilityFacts(r: Partial<GetFoundationModelAvailabilityResponse>): AvailabilityFacts {
  return {
    regionAvailability: r.regionAvailability,
    authorizationStatus: r.authorizationStatus,
    entitlementAvailability: r.entitlementAvailability,
    agreementStatus: r.agreementAvailability?.status,
    agreementErrorMessage: r.agreementAvailability?.errorMessage,
  };
}

export function inferenceProfileFacts(r: Partial<GetInferenceProfileResponse>): InferenceProfileFacts {
  return { status: r.status, type: r.type, modelArns: (r.models ?? []).map((m) => m.modelArn).filter((a): a is string => typeof a === 'string') };
}

export function provisionedModelFacts(r: Partial<GetProvisionedModelThroughputResponse>): ProvisionedModelFacts {
  return { status: r.status, modelArn: r.modelArn, failureMessage: r.failureMessage };
}

export function offerFacts(r: Partial<ListFoundationModelAgreementOffersResponse>): OfferFacts {
  return { offers: (r.offers ?? []).map((o) => ({ offerId: o.offerId, legalTermUrl: o.termDetails?.legalTerm?.url })) };
}

// ---------------------------------------------------------------------------------------------
// Model identifiers
// ---------------------------------------------------------------------------------------------

const PROFILE_PREFIXES = [...Object.keys(GEOGRAPHY_REGIONS), GLOBAL_PROFILE_PREFIX].sort((a, b) => b.length - a.length);

/** The foundation model ID behind a system profile ID (`us.anthropic.x` -> `anthropic.x`). */
export function profileFoundationModelId(profileId: string): string | undefined {
  const prefix = PROFILE_PREFIXES.find((p) => profileId.startsWith(`${p}.`));
  return prefix === undefined ? undefined : profileId.slice(prefix.length + 1);
}

/** The foundation model ID of a foundation-model ARN (`arn:aws:bedrock:us-east-1::foundation-model/x` -> `x`), else undefined. */
export function foundationModelIdOfArn(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:foundation-model\/(.+)$/.exec(arn);
  return m?.[1];
}

/** The Region of a foundation-model ARN, or undefined (a plain ID, or the Region-less form). */
function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region ? region : undefined;
}

/** A foundation model's ID from its ID or ARN. */
function foundationModelIdOf(model: ModelToCheck): string {
  return model.id.startsWith('arn:') ? (foundationModelIdOfArn(model.id) ?? model.id) : model.id;
}

/** Where a foundation model is invoked: its own Region (option or ARN) or the checked one. */
function invocationRegionOf(model: ModelToCheck, region: string): string {
  return model.region ?? (model.id.startsWith('arn:') ? regionOfArn(model.id) : undefined) ?? region;
}

/** Amazon's own models need no agreement; every other provider's do (Bedrock User Guide, "Access Amazon Bedrock foundation models"). */
export function isThirdParty(modelId: string): boolean {
  return !modelId.startsWith('amazon.');
}

// ---------------------------------------------------------------------------------------------
// Which questions to ask
// ---------------------------------------------------------------------------------------------

function answered<T>(answers: Answers, q: Query): Answer<T> | undefined {
  return answers[queryKey(q)] as Answer<T> | undefined;
}

/** Foundation models whose access (authorization, entitlement, agreement) a model depends on, as far as the answers so far tell. */
function routedModelIds(model: ModelToCheck, region: string, answers: Answers): string[] {
  switch (model.kind) {
    case 'foundation-model':
      return invocationRegionOf(model, region) === region ? [foundationModelIdOf(model)] : [];
    case 'inference-profile': {
      const id = profileFoundationModelId(model.id);
      return id ? [id] : [];
    }
    case 'application-inference-profile': {
      const a = answered<InferenceProfileFacts>(answers, { api: 'GetInferenceProfile', id: model.id });
      if (!a?.ok) return [];
      return unique(a.value.modelArns.map(foundationModelIdOfArn).filter((id): id is string => id !== undefined));
    }
    case 'provisioned-model': {
      const a = answered<ProvisionedModelFacts>(answers, { api: 'GetProvisionedModelThroughput', id: model.id });
      const id = a?.ok && a.value.modelArn ? foundationModelIdOfArn(a.value.modelArn) : undefined;
      return id ? [id] : [];
    }
    default:
      return [];
  }
}

const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** Agreement states that mean no agreement is in place. */
const NO_AGREEMENT = ['NOT_AVAILABLE', 'ERROR'];

/**
 * The questions still to ask, given the answers so far: call it, ask them, add the answers, and
 * call it again until it returns none (some questions follow from answers: the models an
 * application profile routes to, the offers of a model without an agreement). Deterministic: the
 * order of `models`, each query once.
 */
export function nextQueries(models: readonly ModelToCheck[], region: string, answers: Answers): Query[] {
  const wanted: Query[] = [];
  for (const model of models) {
    switch (model.kind) {
      case 'foundation-model':
        if (invocationRegionOf(model, region) === region) wanted.push({ api: 'GetFoundationModel', id: foundationModelIdOf(model) });
        break;
      case 'inference-profile':
      case 'application-inference-profile':
        wanted.push({ api: 'GetInferenceProfile', id: model.id });
        break;
      case 'provisioned-model':
        wanted.push({ api: 'GetProvisionedModelThroughput', id: model.id });
        break;
      default:
        break;
    }
    for (const id of routedModelIds(model, region, answers)) {
      const availability = { api: 'GetFoundationModelAvailability', id } as const;
      wanted.push(availability);
      const a = answered<AvailabilityFacts>(answers, availability);
      if (a?.ok && isThirdParty(id) && NO_AGREEMENT.includes(a.value.agreementStatus ?? '')) wanted.push({ api: 'ListFoundationModelAgreementOffers', id });
    }
  }
  const seen = new Set<string>();
  return wanted.filter((q) => {
    const key = queryKey(q);
    if (seen.has(key) || answers[key] !== undefined) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

/** What a finding is about. */
export type CheckName = 'region' | 'profile' | 'inference-type' | 'authorization' | 'entitlement' | 'agreement' | 'lifecycle' | 'provisioned-status' | 'permission';

export interface Finding {
  readonly check: CheckName;
  /** `missing` fails the preflight; `warning` does not. */
  readonly severity: 'missing' | 'warning';
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

export interface ModelResult {
  /** The model as given. */
  readonly model: string;
  readonly kind: ModelKind;
  /** `missing` when any finding is; `skipped` when the preflight cannot check this kind. */
  readonly status: 'ok' | 'missing' | 'skipped';
  readonly findings: readonly Finding[];
  /** Why it was skipped. */
  readonly note?: string;
}

export interface PreflightReport {
  readonly region: string;
  /** True when no model has a missing item (warnings and skipped models allowed). */
  readonly ok: boolean;
  readonly models: readonly ModelResult[];
}

/** The cross-Region profile to suggest for `modelId` called from `region`: the Region's narrowest geography, or global. */
export function suggestedProfile(modelId: string, region: string): string {
  return `${narrowestGeographyOf(region) ?? GLOBAL_PROFILE_PREFIX}.${modelId}`;
}

const apiAction = (api: Api) => `bedrock:${api}`;

function permissionFinding(api: Api, id: string, message: string): Finding {
  return {
    check: 'permission',
    severity: 'missing',
    message: `could not check ${id}: ${api} was denied (${message})`,
    fix: `allow ${apiAction(api)} to the principal running the preflight, and look for a service control policy or permissions boundary that denies it`,
  };
}

function notInRegion(modelId: string, region: string, detail: string): Finding {
  const profile = suggestedProfile(modelId, region);
  return {
    check: 'region',
    severity: 'missing',
    message: `${modelId} is not offered in ${region} (${detail})`,
    fix: `model not offered in ${region}: use a cross-Region profile such as ${profile} (BedrockModel.crossRegionProfile('${profile}')) if the model has one, or deploy to a Region that offers it (Bedrock User Guide, "Supported foundation models in Amazon Bedrock")`,
  };
}

/** Findings about the account's access to foundation model `modelId` in `region`; `checkRegion` for a model invoked by its own ID. */
function accessFindings(modelId: string, region: string, answers: Answers, checkRegion: boolean): Finding[] {
  const a = answered<AvailabilityFacts>(answers, { api: 'GetFoundationModelAvailability', id: modelId });
  if (!a) return [];
  if (!a.ok) {
    if (a.error.name === 'AccessDeniedException') return [permissionFinding('GetFoundationModelAvailability', modelId, a.error.message)];
    // Not found: the model is unknown here. For a routed model the profile's own check says more.
    return checkRegion ? [notInRegion(modelId, region, `GetFoundationModelAvailability: ${a.error.name}`)] : [];
  }
  const f = a.value;
  const findings: Finding[] = [];
  if (checkRegion && f.regionAvailability === 'NOT_AVAILABLE') findings.push(notInRegion(modelId, region, 'regionAvailability NOT_AVAILABLE'));
  if (f.authorizationStatus === 'NOT_AUTHORIZED') {
    findings.push({
      check: 'authorization',
      severity: 'missing',
      message: `the account is not authorized to use ${modelId} in ${region} (authorizationStatus NOT_AUTHORIZED)`,
      fix: modelId.startsWith('anthropic.')
        ? 'submit the Anthropic use case details once for the account (or at the organization\'s management account): open the model in the Bedrock console\'s model catalog, or call PutUseCaseForModelAccess'
        : 'open the model in the Bedrock console\'s model catalog and complete what it asks for; check that no service control policy denies access to the model',
    });
  }
  if (f.entitlementAvailability === 'NOT_AVAILABLE') {
    findings.push({
      check: 'entitlement',
      severity: 'missing',
      message: `the account has no entitlement to ${modelId} in ${region} (entitlementAvailability NOT_AVAILABLE)`,
      fix: 'enable the model from the Bedrock console\'s model catalog with a principal allowed aws-marketplace:Subscribe, aws-marketplace:ViewSubscription and aws-marketplace:Unsubscribe (third-party models are sold through AWS Marketplace)',
    });
  }
  if (isThirdParty(modelId) && f.agreementStatus !== undefined) findings.push(...agreementFindings(modelId, region, f, answers));
  return findings;
}

function agreementFindings(modelId: string, region: string, f: AvailabilityFacts, answers: Answers): Finding[] {
  const accept =
    'accept the offer in the Bedrock console (model catalog / Model access page), or CreateFoundationModelAgreement with the offer token from ListFoundationModelAgreementOffers: ' +
    `aws bedrock list-foundation-model-agreement-offers --region ${region} --model-id ${modelId}, then aws bedrock create-foundation-model-agreement --region ${region} --model-id ${modelId} --offer-token <offerToken>`;
  switch (f.agreementStatus) {
    case 'AVAILABLE':
      return [];
    case 'PENDING':
      return [
        {
          check: 'agreement',
          severity: 'warning',
          message: `the agreement for ${modelId} is still being processed (agreementAvailability PENDING)`,
          fix: 'wait: Bedrock finalizes a subscription within about 15 minutes; run the preflight again',
        },
      ];
    case 'NOT_AVAILABLE':
    case 'ERROR': {
      const offers = answered<OfferFacts>(answers, { api: 'ListFoundationModelAgreementOffers', id: modelId });
      let offerNote = '';
      if (offers?.ok) {
        const terms = unique(offers.value.offers.map((o) => o.legalTermUrl).filter((u): u is string => !!u));
        offerNote =
          offers.value.offers.length === 0
            ? ` Bedrock lists no offer for ${modelId} in ${region}: it cannot be subscribed to here.`
            : ` ${offers.value.offers.length} offer(s)${terms.length ? `; terms: ${terms.join(', ')}` : ''}.`;
      }
      const error = f.agreementStatus === 'ERROR' ? `: ${f.agreementErrorMessage ?? 'no message'}` : '';
      return [
        {
          check: 'agreement',
          severity: 'missing',
          message: `no accepted agreement for ${modelId} in ${region} (agreementAvailability ${f.agreementStatus}${error}).${offerNote}`,
          fix:
            f.agreementStatus === 'ERROR'
              ? `the subscription failed: give the subscribing principal aws-marketplace:Subscribe, aws-marketplace:ViewSubscription and aws-marketplace:Unsubscribe, then ${accept}`
              : accept,
        },
      ];
    }
    default:
      return [];
  }
}

function foundationModelFindings(model: ModelToCheck, region: string, answers: Answers): Finding[] {
  const id = foundationModelIdOf(model);
  const a = answered<FoundationModelFacts>(answers, { api: 'GetFoundationModel', id });
  const findings: Finding[] = [];
  let offered = true;
  if (a && !a.ok) {
    if (a.error.name === 'AccessDeniedException') findings.push(permissionFinding('GetFoundationModel', id, a.error.message));
    else {
      offered = false;
      findings.push(notInRegion(id, region, `GetFoundationModel: ${a.error.name}`));
    }
  } else if (a?.ok) {
    const types = a.value.inferenceTypesSupported;
    if (types && types.length > 0 && !types.includes('ON_DEMAND')) {
      const profile = suggestedProfile(id, region);
      findings.push({
        check: 'inference-type',
        severity: 'missing',
        message: `${id} cannot be invoked on demand by its model ID in ${region} (inferenceTypesSupported: ${types.join(', ')})`,
        fix: types.includes('PROVISIONED') && !types.includes('INFERENCE_PROFILE')
          ? 'buy Provisioned Throughput for it (ProvisionedThroughput) and allow the provisioned model instead'
          : `invoke it through a cross-Region inference profile such as ${profile} (BedrockModel.crossRegionProfile('${profile}'))`,
      });
    }
    if (a.value.lifecycleStatus === 'LEGACY') {
      findings.push({
        check: 'lifecycle',
        severity: 'warning',
        message: `${id} is a legacy model${a.value.endOfLifeTime ? ` (end of life ${a.value.endOfLifeTime})` : ''}`,
        fix: 'plan the move to an active model version before its end of life (Bedrock User Guide, "Model lifecycle")',
      });
    }
  }
  // A model the Region does not offer has no access to speak of: one finding, not four.
  const access = accessFindings(id, region, answers, true);
  return offered ? [...findings, ...access] : [...findings, ...access.filter((f) => f.check === 'permission')];
}

function profileFindings(model: ModelToCheck, region: string, answers: Answers): Finding[] {
  const a = answered<InferenceProfileFacts>(answers, { api: 'GetInferenceProfile', id: model.id });
  const findings: Finding[] = [];
  if (a && !a.ok) {
    if (a.error.name === 'AccessDeniedException') findings.push(permissionFinding('GetInferenceProfile', model.id, a.error.message));
    else if (model.kind === 'inference-profile') {
      const id = profileFoundationModelId(model.id) ?? model.id;
      const suggested = suggestedProfile(id, region);
      findings.push({
        check: 'profile',
        severity: 'missing',
        message: `inference profile ${model.id} does not exist in ${region} (GetInferenceProfile: ${a.error.name})`,
        fix:
          suggested !== model.id
            ? `a geographic profile is called from a Region of its geography: from ${region} use ${suggested} if the model has one (aws bedrock list-inference-profiles --region ${region})`
            : `check the model's profiles in ${region}: aws bedrock list-inference-profiles --region ${region}`,
      });
    } else {
      findings.push({
        check: 'profile',
        severity: 'missing',
        message: `application inference profile ${model.id} does not exist in ${region} (GetInferenceProfile: ${a.error.name})`,
        fix: 'create it (CreateInferenceProfile, or AWS::Bedrock::ApplicationInferenceProfile) in this account and Region, or correct the ARN',
      });
    }
  } else if (a?.ok && a.value.status !== undefined && a.value.status !== 'ACTIVE') {
    findings.push({ check: 'profile', severity: 'missing', message: `inference profile ${model.id} is ${a.value.status}, not ACTIVE`, fix: 'wait until the profile is ACTIVE, or recreate it' });
  }
  for (const id of routedModelIds(model, region, answers)) findings.push(...accessFindings(id, region, answers, false));
  return findings;
}

function provisionedFindings(model: ModelToCheck, region: string, answers: Answers): Finding[] {
  const a = answered<ProvisionedModelFacts>(answers, { api: 'GetProvisionedModelThroughput', id: model.id });
  const findings: Finding[] = [];
  if (a && !a.ok) {
    findings.push(
      a.error.name === 'AccessDeniedException'
        ? permissionFinding('GetProvisionedModelThroughput', model.id, a.error.message)
        : {
            check: 'provisioned-status',
            severity: 'missing',
            message: `provisioned model ${model.id} does not exist in ${region} (GetProvisionedModelThroughput: ${a.error.name})`,
            fix: 'buy it (ProvisionedThroughput) in this account and Region, or correct the ARN',
          },
    );
  } else if (a?.ok && a.value.status !== 'InService') {
    findings.push({
      check: 'provisioned-status',
      severity: 'missing',
      message: `provisioned model ${model.id} is ${a.value.status ?? 'in an unknown state'}, not InService${a.value.failureMessage ? `: ${a.value.failureMessage}` : ''}`,
      fix: a.value.status === 'Failed' ? 'delete it and buy it again once the cause is fixed' : 'wait until it is InService (creation takes minutes), then run the preflight again',
    });
  }
  for (const id of routedModelIds(model, region, answers)) findings.push(...accessFindings(id, region, answers, false));
  return findings;
}

const SKIP_NOTES: Partial<Record<ModelKind, string>> = {
  'custom-model': 'a custom model is invoked through its provisioned model or deployment: check that one instead',
  'imported-model': 'imported models need no access agreement; not checked',
  'custom-model-deployment': 'custom model deployments need no access agreement; not checked',
  'mantle-model': 'Mantle models are served by the bedrock-mantle endpoint; not checked',
};

/** The verdict on every model, from the answers {@link nextQueries} asked for. */
export function evaluate(models: readonly ModelToCheck[], region: string, answers: Answers): PreflightReport {
  const results: ModelResult[] = models.map((model) => {
    const base = { model: model.id, kind: model.kind };
    let findings: Finding[];
    switch (model.kind) {
      case 'foundation-model': {
        const elsewhere = invocationRegionOf(model, region);
        if (elsewhere !== region) {
          return { ...base, status: 'skipped', findings: [], note: `invoked in ${elsewhere}: run the preflight in that Region (npm run preflight -- --region ${elsewhere} --models ${foundationModelIdOf(model)})` };
        }
        findings = foundationModelFindings(model, region, answers);
        break;
      }
      case 'inference-profile':
      case 'application-inference-profile':
        findings = profileFindings(model, region, answers);
        break;
      case 'provisioned-model':
        findings = provisionedFindings(model, region, answers);
        break;
      default:
        return { ...base, status: 'skipped', findings: [], note: SKIP_NOTES[model.kind] ?? 'not checked' };
    }
    return { ...base, status: findings.some((f) => f.severity === 'missing') ? 'missing' : 'ok', findings };
  });
  return { region, ok: results.every((r) => r.status !== 'missing'), models: results };
}

// ---------------------------------------------------------------------------------------------
// Presentation
// ---------------------------------------------------------------------------------------------

function counts(report: PreflightReport) {
  const n = (s: ModelResult['status']) => report.models.filter((m) => m.status === s).length;
  return { ok: n('ok'), missing: n('missing'), skipped: n('skipped'), warnings: report.models.reduce((k, m) => k + m.findings.filter((f) => f.severity === 'warning').length, 0) };
}

/** One line that sums the report up. */
export function summaryLine(report: PreflightReport): string {
  const c = counts(report);
  const parts = [`${c.ok} of ${report.models.length} model(s) ready`];
  if (c.missing) parts.push(`${c.missing} with missing access`);
  if (c.skipped) parts.push(`${c.skipped} not checked`);
  if (c.warnings) parts.push(`${c.warnings} warning(s)`);
  return `Bedrock model access in ${report.region}: ${parts.join(', ')}`;
}

/** The report for a terminal: one line per model, then each finding and its fix. */
export function formatReport(report: PreflightReport): string {
  const lines = [summaryLine(report)];
  for (const m of report.models) {
    const label = m.status === 'missing' ? 'MISSING' : m.status === 'skipped' ? 'skipped' : 'ok';
    lines.push(`  ${label.padEnd(8)} ${m.model} (${KIND_NAMES[m.kind]})`);
    if (m.note) lines.push(`           ${m.note}`);
    for (const f of m.findings) {
      lines.push(`           - ${f.severity === 'warning' ? 'warning' : 'missing'} [${f.check}] ${f.message}`);
      lines.push(`             fix: ${f.fix}`);
    }
  }
  return lines.join('\n');
}

const sentence = (text: string) => (text.endsWith('.') ? text : `${text}.`);

/** The reason CloudFormation shows when the preflight fails: what is missing and how to fix it, model by model. */
export function failureSummary(report: PreflightReport): string {
  const items = report.models.flatMap((m) =>
    m.findings.filter((f) => f.severity === 'missing').map((f) => `${m.model}: ${sentence(f.message)} Fix: ${sentence(f.fix)}`),
  );
  return `Model access preflight failed. ${summaryLine(report)}. ${items.join(' ')}`;
}

// ---------------------------------------------------------------------------------------------
// Custom resource properties
// ---------------------------------------------------------------------------------------------

/** The custom resource's physical id: one per resource, the same for its whole life (Delete does nothing). */
export const PHYSICAL_ID = 'BedrockModelAccessPreflight/v1';

/** A configuration error in the resource properties: reported to CloudFormation as is. */
export class InvalidPropertiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPropertiesError';
  }
}

/** The models of the custom resource's `Models` property: `[{ Kind, Id, Region? }]`. */
export function modelsFromProperties(properties: Record<string, unknown> | undefined): ModelToCheck[] {
  const raw = properties?.Models;
  if (!Array.isArray(raw) || raw.length === 0) throw new InvalidPropertiesError('the Models property must be a non-empty list of { Kind, Id }');
  return raw.map((entry, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    if (!(MODEL_KINDS as readonly unknown[]).includes(e.Kind)) throw new InvalidPropertiesError(`Models[${i}].Kind must be one of ${MODEL_KINDS.join(', ')}, got ${JSON.stringify(e.Kind)}`);
    if (typeof e.Id !== 'string' || e.Id.length === 0) throw new InvalidPropertiesError(`Models[${i}].Id must be a non-empty string, got ${JSON.stringify(e.Id)}`);
    if (e.Region !== undefined && (typeof e.Region !== 'string' || e.Region.length === 0)) throw new InvalidPropertiesError(`Models[${i}].Region must be a Region code, got ${JSON.stringify(e.Region)}`);
    return { kind: e.Kind as ModelKind, id: e.Id, ...(e.Region ? { region: e.Region as string } : {}) };
  });
}
