import * as path from 'path';
import { runSimulation } from '@cloud-copilot/iam-simulate';

/** What IAM decides for one request. */
export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export type PolicyJson = { Version?: string; Statement: unknown[] | unknown };

/** One request to authorize: who calls which action on what, with which request context. */
export interface IamRequest {
  /** Principal ARN, a service principal such as `logs.us-east-1.amazonaws.com`, or an account root ARN. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** Account that owns the resource. @default the principal's account, or 123456789012 */
  readonly resourceAccount?: string;
  /** Request context, e.g. `{ 'aws:SourceVpce': 'vpce-1' }`. */
  readonly context?: Record<string, string | string[]>;
}

/** The policies in force for a request. */
export interface IamPolicies {
  readonly identity?: PolicyJson[];
  readonly resource?: PolicyJson;
  readonly endpoint?: PolicyJson[];
  readonly scps?: PolicyJson[];
  readonly boundary?: PolicyJson;
}

// iam-simulate only recognizes templated condition keys written with a slash (aws:PrincipalTag/x);
// `kms:EncryptionContext:<key>` has a colon, so its strict mode drops such keys from the request.
// For those requests, once the strict run has validated every policy, we call its core `authorize`
// directly with the full context (its exported unsafe runner drops endpoint policies and fails on an
// unnamed resource policy).
const COLON_TEMPLATED_KEYS = [/^kms:encryptioncontext:/i];
const ENGINE = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
function authorizeWithFullContext(simulation: any): Decision {
  const { authorize } = require(path.join(ENGINE, 'core_engine/CoreSimulatorEngine.js'));
  const { AwsRequestImpl } = require(path.join(ENGINE, 'request/request.js'));
  const { RequestContextImpl } = require(path.join(ENGINE, 'requestContext.js'));
  const { DiscoveryContextKeyConstraints } = require(path.join(ENGINE, 'context_keys/discoveryContextKeyConstraints.js'));
  const { loadPolicy } = require('@cloud-copilot/iam-policy');
  const load = (p: { name: string; policy: unknown }) => loadPolicy(p.policy, { name: p.name });
  const analysis = authorize({
    request: new AwsRequestImpl(simulation.request.principal, simulation.request.resource, simulation.request.action, new RequestContextImpl(simulation.request.contextVariables)),
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map(load),
    serviceControlPolicies: simulation.serviceControlPolicies.map((o: any) => ({ orgIdentifier: o.orgIdentifier, policies: o.policies.map(load) })),
    resourceControlPolicies: [],
    resourcePolicy: simulation.resourcePolicy ? load({ name: 'resource', policy: simulation.resourcePolicy }) : undefined,
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map(load),
    vpcEndpointPolicies: simulation.vpcEndpointPolicies?.map(load),
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  });
  return analysis.result as Decision;
}

/** Evaluates a request against synthesized policies with a real IAM policy evaluator (iam-simulate). */
export async function decide(request: IamRequest, policies: IamPolicies): Promise<Decision> {
  const accountOf = (arn: string) => /^arn:[^:]+:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1];
  const principalAccount = accountOf(request.principal);
  const resourceAccount = request.resourceAccount ?? accountOf(request.resource) ?? principalAccount ?? '123456789012';
  const simulation = {
    identityPolicies: (policies.identity ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: policies.scps?.length
      ? [{ orgIdentifier: 'r-root', policies: [{ name: 'FullAWSAccess', policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }, ...policies.scps.map((policy, i) => ({ name: `scp-${i}`, policy }))] }]
      : [],
    resourceControlPolicies: [],
    resourcePolicy: policies.resource,
    permissionBoundaryPolicies: policies.boundary ? [{ name: 'boundary', policy: policies.boundary }] : undefined,
    vpcEndpointPolicies: policies.endpoint?.map((policy, i) => ({ name: `endpoint-${i}`, policy })),
    request: {
      principal: request.principal,
      action: request.action,
      resource: {
        resource: request.resource,
        accountId: resourceAccount,
      },
      // IAM sets these global keys on every request; derive them so conditions on them evaluate.
      contextVariables: {
        ...(principalAccount ? { 'aws:PrincipalAccount': principalAccount, 'aws:PrincipalArn': request.principal } : {}),
        'aws:ResourceAccount': resourceAccount,
        ...request.context,
      },
    },
  };
  const result = await runSimulation(simulation as any, {});
  if (result.resultType === 'error') {
    throw new Error(`policy evaluator rejected the input: ${JSON.stringify(result.errors)}`);
  }
  const ignored = result.resultType === 'single' ? (result.result.ignoredContextKeys ?? []) : [];
  if (ignored.some((k) => COLON_TEMPLATED_KEYS.some((p) => p.test(k)))) {
    return authorizeWithFullContext(simulation);
  }
  return result.overallResult as Decision;
}
