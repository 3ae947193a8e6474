import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { BedrockModel, DEFAULT_TEXT_MODELS, INVOCABLE_MODEL_KINDS, requireModels } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requirePattern } from '../core/validate';
import { GUARDRAIL_ARN_PATTERN } from '../identity/bedrock-arns';
import { metricModelIdOf } from './bedrock-metrics';
import { MonitoredGuardrail } from './guardrail-metrics';
import { ModelPrice } from './model-prices';

/*
 * The one validation of what the monitoring constructs take (models, quotas, prices,
 * guardrails, dashboard name), shared by BedrockAlarms, BedrockDashboard and BedrockMonitoring.
 */

/**
 * Most models one monitoring construct watches: 100 models, each with a quota, synthesize to 170
 * alarms and 2 dashboards, about 900 KB of template: a stack of their own stays inside
 * CloudFormation's 500 resources and 1 MB. Split larger fleets across stacks.
 */
export const MAX_MONITORED_MODELS = 100;

/** The models to watch: validated, within the limit, one per `ModelId`, in the stack's Region. */
export function requireMonitoredModels(scope: IConstruct, prop: string, models: readonly BedrockModel[] | undefined): readonly BedrockModel[] {
  if (models === undefined) return DEFAULT_TEXT_MODELS;
  if (!Array.isArray(models)) {
    throw new PlatformValidationError(scope, prop, models, "Must be an array of BedrockModel, e.g. [BedrockModel.parse('amazon.nova-lite-v1:0')].");
  }
  if (models.length === 0) throw new PlatformValidationError(scope, prop, models, 'Name at least one model to monitor, or leave it unset for DEFAULT_TEXT_MODELS.');
  if (models.length > MAX_MONITORED_MODELS) {
    throw new PlatformValidationError(
      scope,
      prop,
      `${models.length} models`,
      `At most ${MAX_MONITORED_MODELS} models per monitoring construct (stack limits of 500 resources and 1 MB): split the models across several BedrockMonitoring constructs, in several stacks if needed.`,
    );
  }
  requireModels(scope, prop, models, {
    kinds: INVOCABLE_MODEL_KINDS,
    reason: 'a model invoked through bedrock-runtime, whose metrics carry its ModelId; a custom model is invoked through its provisioned model or deployment (monitor that), a Mantle model publishes its metrics under bedrock-mantle',
  });
  const stackRegion = Stack.of(scope).region;
  const seen = new Map<string, number>();
  models.forEach((model, i) => {
    if (model.region !== undefined && isResolved(model.region) && isResolved(stackRegion) && model.region !== stackRegion) {
      throw new PlatformValidationError(
        scope,
        `${prop}[${i}].region`,
        model.region,
        `Must be the stack's Region (${stackRegion}): an alarm can only watch metrics of its own Region. Monitor this model from a stack in ${model.region}.`,
      );
    }
    const id = metricModelIdOf(model);
    if (!isResolved(id)) return;
    const first = seen.get(id);
    if (first !== undefined) throw new PlatformValidationError(scope, `${prop}[${i}]`, model.identifier, `Duplicate of ${prop}[${first}]: both report under ModelId '${id}'. List each model once.`);
    seen.set(id, i);
  });
  return models;
}

/** The quotas, keyed by model identifier: each key one of `models`, each value a positive whole number of tokens per minute. */
export function requireQuotas(scope: IConstruct, prop: string, quotas: Readonly<Record<string, number>> | undefined, models: readonly BedrockModel[]): Readonly<Record<string, number>> {
  if (quotas === undefined) return {};
  if (quotas === null || typeof quotas !== 'object' || Array.isArray(quotas)) {
    throw new PlatformValidationError(scope, prop, quotas, "Must be an object of tokens-per-minute quotas by model identifier, e.g. { 'amazon.nova-pro-v1:0': 2000000 }.");
  }
  const identifiers = models.map((m) => m.identifier);
  for (const [key, value] of Object.entries(quotas)) {
    if (!identifiers.includes(key)) {
      throw new PlatformValidationError(scope, `${prop}['${key}']`, key, `Must be the identifier of a monitored model: ${identifiers.filter(isResolved).join(', ')}.`);
    }
    if (typeof value !== 'number' || Number.isNaN(value) || (isResolved(value) && (!Number.isInteger(value) || value <= 0 || value > 1e12))) {
      throw new PlatformValidationError(scope, `${prop}['${key}']`, value, "Must be a positive whole number of tokens per minute (the model's 'tokens per minute' quota in Service Quotas).");
    }
  }
  return quotas;
}

/** Price overrides: finite, non-negative USD per million tokens. */
export function requirePrices(scope: IConstruct, prop: string, prices: Readonly<Record<string, ModelPrice>> | undefined): Readonly<Record<string, ModelPrice>> {
  if (prices === undefined) return {};
  if (prices === null || typeof prices !== 'object' || Array.isArray(prices)) {
    throw new PlatformValidationError(scope, prop, prices, "Must be an object of prices by model ID, e.g. { 'amazon.nova-pro-v1:0': { inputPerMillionTokens: 0.8, outputPerMillionTokens: 3.2 } }.");
  }
  for (const [key, price] of Object.entries(prices)) {
    if (price === null || typeof price !== 'object') throw new PlatformValidationError(scope, `${prop}['${key}']`, price, 'Must be { inputPerMillionTokens, outputPerMillionTokens? } in USD.');
    for (const field of ['inputPerMillionTokens', 'outputPerMillionTokens'] as const) {
      const value = price[field];
      if (value === undefined && field === 'outputPerMillionTokens') continue;
      if (typeof value !== 'number' || (isResolved(value) && (!Number.isFinite(value) || value < 0 || value > 10_000))) {
        throw new PlatformValidationError(scope, `${prop}['${key}'].${field}`, value, 'Must be a price in USD per million tokens from 0 to 10000.');
      }
    }
  }
  return prices;
}

const MONITORED_GUARDRAIL_VERSION = /^([1-9]\d{0,7}|DRAFT)$/;

/** Guardrails to watch: ARN without version and a version (numeric or DRAFT), each once. */
export function requireGuardrails(scope: IConstruct, prop: string, guardrails: readonly MonitoredGuardrail[] | undefined): readonly MonitoredGuardrail[] {
  if (guardrails === undefined) return [];
  if (!Array.isArray(guardrails)) throw new PlatformValidationError(scope, prop, guardrails, 'Must be an array of { guardrailArn, guardrailVersion }.');
  const seen = new Set<string>();
  guardrails.forEach((g, i) => {
    if (g === null || typeof g !== 'object') throw new PlatformValidationError(scope, `${prop}[${i}]`, g, 'Must be { guardrailArn, guardrailVersion }, e.g. a guardrail construct or a literal.');
    requirePattern(scope, `${prop}[${i}].guardrailArn`, g.guardrailArn, GUARDRAIL_ARN_PATTERN, 'a guardrail ARN without version, such as arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456');
    if (typeof g.guardrailArn !== 'string') throw new PlatformValidationError(scope, `${prop}[${i}].guardrailArn`, g.guardrailArn, 'Must be a guardrail ARN.');
    requirePattern(scope, `${prop}[${i}].guardrailVersion`, g.guardrailVersion, MONITORED_GUARDRAIL_VERSION, "a guardrail version: a number such as '1', or 'DRAFT'");
    if (typeof g.guardrailVersion !== 'string') throw new PlatformValidationError(scope, `${prop}[${i}].guardrailVersion`, g.guardrailVersion, "Must be a version string such as '1'.");
    const key = `${g.guardrailArn}:${g.guardrailVersion}`;
    if (!Token.isUnresolved(key) && seen.has(key)) throw new PlatformValidationError(scope, `${prop}[${i}]`, key, 'Duplicate guardrail version: list each once.');
    seen.add(key);
  });
  return guardrails;
}

/** CloudWatch dashboard names: letters, digits, `-` and `_`, at most 255 characters; room is left for the page suffix. */
export function requireDashboardName(scope: IConstruct, prop: string, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return requirePattern(scope, prop, name, /^[A-Za-z0-9_-]{1,240}$/, "a dashboard name of 1 to 240 letters, digits, '-' or '_' (CloudWatch allows 255; the model dashboard adds '-model')");
}
