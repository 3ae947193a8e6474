import { IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind, modelInvocationResources, ModelRequirements, requireModels } from '../core/bedrock-model';
import { requireList } from './network-validation';

/*
 * The models an endpoint lets callers invoke are `BedrockModel`s (lib/core): the same list the
 * invoker persona's IAM policy is derived from. Everything else, image and video generation
 * included, is refused at the endpoint whatever the caller's IAM policy says.
 */

/**
 * What an endpoint policy accepts: every kind (Mantle models go to the Mantle endpoint, the others
 * to the runtime and agents endpoints), `*` patterns inside IDs and ARNs (`anthropic.claude-*`; a
 * bare `*` is refused), application profiles without their source (list the source too).
 */
export const ENDPOINT_MODEL_REQUIREMENTS: ModelRequirements = { allowPatterns: true };

/** Checks every model of an endpoint's list; throws a PlatformValidationError naming `prop[i]`. */
export function validateEndpointModels(scope: IConstruct, prop: string, models: readonly BedrockModel[]): readonly BedrockModel[] {
  requireList(scope, prop, models, "BedrockModel values (BedrockModel.parse('amazon.nova-lite-v1:0'))");
  return requireModels(scope, prop, models, ENDPOINT_MODEL_REQUIREMENTS);
}

/** The Mantle models of `models` (matched with `bedrock-mantle:Model`). */
export function mantleModelsOf(models: readonly BedrockModel[]): BedrockModel[] {
  return models.filter((m) => m.kind === BedrockModelKind.MANTLE_MODEL);
}

/** The resource ARNs an endpoint's invoke statement names for `models` (none for Mantle models). */
export function endpointModelArns(scope: IConstruct, models: readonly BedrockModel[]): string[] {
  return modelInvocationResources(scope, models).endpoint;
}

/** Whether `a` and `b` allow the same thing (kind, identifier, Region, destinations, source). */
export function sameModel(a: BedrockModel, b: BedrockModel): boolean {
  return a === b || modelKey(a) === modelKey(b);
}

function modelKey(m: BedrockModel): string {
  return JSON.stringify([m.kind, m.identifier, m.region, m.destinationRegions, m.source ? modelKey(m.source) : undefined]);
}
