import { Fn, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { BedrockModel, modelInvocationResources } from '../core/bedrock-model';
import { SupportEndpoint } from '../core/endpoint-needs';
import { BedrockFeature, bedrockFeature } from './bedrock-features';

/** Whose principals may send requests through an endpoint. */
export interface EndpointPrincipals {
  /**
   * Accounts whose principals may use the endpoint (matched with `aws:PrincipalAccount`).
   * @default the stack's account
   */
  readonly accounts?: readonly string[];
  /**
   * The organization whose principals may use the endpoint (matched with `aws:PrincipalOrgID`),
   * instead of a list of accounts.
   * @default none: accounts apply
   */
  readonly organizationId?: string;
}

type Conditions = Record<string, Record<string, unknown>>;

/** The condition that admits only the principals of `principals`. */
export function principalConditions(scope: IConstruct, principals: EndpointPrincipals = {}): Conditions {
  if (principals.organizationId) return { StringEquals: { 'aws:PrincipalOrgID': principals.organizationId } };
  const accounts = principals.accounts?.length ? [...principals.accounts] : [Stack.of(scope).account];
  return { StringEquals: { 'aws:PrincipalAccount': accounts.length === 1 ? accounts[0] : accounts } };
}

/** Whether requests authenticated with a Bedrock API key (bearer token) may pass an endpoint. */
export enum BearerTokenAccess {
  /** SigV4-signed requests only: no API key of any kind. */
  NONE = 'none',
  /** Short-term API keys (at most 12 hours, derived from a role session); long-term keys of IAM users are refused. */
  SHORT_TERM_ONLY = 'short-term',
  /** Short-term and long-term API keys. AWS recommends long-term keys for exploration only. */
  ANY = 'any',
}

/** Options of {@link bedrockEndpointStatements}. */
export interface BedrockEndpointPolicyOptions {
  /** Who may use the endpoint. */
  readonly principals: EndpointPrincipals;
  /** Models that may be invoked through the endpoint (validated: see `validateEndpointModels`). */
  readonly models: readonly BedrockModel[];
  /**
   * A subset of the feature's catalog actions (without prefix) to allow instead of all of them.
   * @default every action of the catalog entry
   */
  readonly actions?: readonly string[];
  /**
   * API keys accepted by endpoints that take them (runtime, Mantle).
   * @default BearerTokenAccess.NONE
   */
  readonly bearerTokens?: BearerTokenAccess;
}

const allow = (sid: string, actions: string[], resources: string[], conditions: Conditions) =>
  new iam.PolicyStatement({ sid, principals: [new iam.StarPrincipal()], actions, resources, conditions });

/**
 * The endpoint policy of `feature`: the feature's catalog actions only, model actions only on the
 * allowed models, guardrail actions only on this account's guardrails, and only for the allowed
 * principals. Returns no statement for a feature left with no action (an empty policy denies all).
 */
export function bedrockEndpointStatements(scope: IConstruct, feature: BedrockFeature, options: BedrockEndpointPolicyOptions): iam.PolicyStatement[] {
  const d = bedrockFeature(feature);
  const keep = (list: readonly string[]) => (options.actions ? list.filter((a) => options.actions!.includes(a)) : [...list]);
  const prefixed = (list: string[]) => list.map((a) => `${d.iamPrefix}:${a}`);
  const who = principalConditions(scope, options.principals);
  const { partition, region, account } = Stack.of(scope);
  const statements: iam.PolicyStatement[] = [];

  const general = keep(d.actions);
  if (general.length) statements.push(allow('FeatureActionsForAllowedPrincipals', prefixed(general), ['*'], who));

  const modelActions = keep(d.modelActions);
  const models = modelInvocationResources(scope, options.models);
  if (modelActions.length && feature === BedrockFeature.MANTLE) {
    if (models.mantleModelIds.length) {
      statements.push(
        allow('InferenceOnAllowedModelsOnly', prefixed(modelActions), [`arn:${partition}:bedrock-mantle:${region}:${account}:project/*`], {
          ...who,
          StringEquals: { ...who.StringEquals, 'bedrock-mantle:Model': models.mantleModelIds },
        }),
      );
    }
  } else if (modelActions.length) {
    if (models.endpoint.length) statements.push(allow('InvokeAllowedModelsOnly', prefixed(modelActions), models.endpoint, who));
  }

  const bearer = options.bearerTokens ?? BearerTokenAccess.NONE;
  if (d.acceptsBearerTokens && bearer !== BearerTokenAccess.NONE) {
    const shortTerm = bearer === BearerTokenAccess.SHORT_TERM_ONLY ? { [`${d.iamPrefix}:BearerTokenType`]: 'SHORT_TERM' } : {};
    statements.push(allow('BedrockApiKeysForAllowedPrincipals', prefixed(['CallWithBearerToken']), ['*'], { ...who, StringEquals: { ...who.StringEquals, ...shortTerm } }));
  }

  const guardrailActions = keep(d.guardrailActions);
  if (guardrailActions.length) {
    // Guardrail profiles route a guardrail's cross-Region inference: they belong to this account too.
    const guardrails = [`arn:${partition}:bedrock:${region}:${account}:guardrail/*`, `arn:${partition}:bedrock:*:${account}:guardrail-profile/*`];
    statements.push(allow('ApplyThisAccountsGuardrails', prefixed(guardrailActions), guardrails, who));
  }
  return statements;
}

/** IAM service prefix of each interface support endpoint (CloudWatch's endpoint is `monitoring`). */
const SUPPORT_IAM_PREFIX: Partial<Record<SupportEndpoint, string>> = {
  [SupportEndpoint.S3]: 's3',
  [SupportEndpoint.LOGS]: 'logs',
  [SupportEndpoint.KMS]: 'kms',
  [SupportEndpoint.STS]: 'sts',
  [SupportEndpoint.SNS]: 'sns',
  [SupportEndpoint.CLOUDWATCH]: 'cloudwatch',
  [SupportEndpoint.EVENTBRIDGE]: 'events',
};

/**
 * The endpoint policy of an AWS support endpoint: the service's own actions, for the allowed
 * principals only. The S3 gateway also keeps requests on this account's (or organization's)
 * buckets, and lets CloudFormation's pre-signed custom-resource responses through.
 */
export function supportEndpointStatements(scope: IConstruct, endpoint: SupportEndpoint, principals: EndpointPrincipals): iam.PolicyStatement[] {
  const prefix = SUPPORT_IAM_PREFIX[endpoint];
  if (!prefix) throw new Error(`${endpoint} is a Bedrock feature endpoint, not a support endpoint`);
  const who = principalConditions(scope, principals);
  if (endpoint !== SupportEndpoint.S3) return [allow('ServiceActionsForAllowedPrincipals', [`${prefix}:*`], ['*'], who)];
  const { partition, account, region } = Stack.of(scope);
  const ownBuckets = principals.organizationId ? { 'aws:ResourceOrgID': principals.organizationId } : { 'aws:ResourceAccount': who.StringEquals['aws:PrincipalAccount'] ?? account };
  return [
    allow('OwnBucketsForAllowedPrincipals', ['s3:*'], ['*'], { StringEquals: { ...who.StringEquals, ...ownBuckets } }),
    // Custom-resource handlers answer CloudFormation through a URL CloudFormation pre-signed: the
    // request is signed by CloudFormation, not by this account, so it cannot carry the conditions above.
    // Only this Region's response bucket, e.g. cloudformation-custom-resource-response-useast1: a
    // wildcard would let anyone in the VPC write to a look-alike bucket in any account.
    allow('CloudFormationCustomResourceResponses', ['s3:PutObject'], [`arn:${partition}:s3:::${customResourceResponseBucket(region)}/*`], {}),
  ];
}

/**
 * Name of the S3 bucket that holds CloudFormation's pre-signed custom-resource responses in
 * `region`: `cloudformation-custom-resource-response-` and the Region code without dashes
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-vpce-bucketnames.html).
 */
export function customResourceResponseBucket(region: string): string {
  const compact = Token.isUnresolved(region) ? Fn.join('', Fn.split('-', region)) : region.replace(/-/g, '');
  return `cloudformation-custom-resource-response-${compact}`;
}
