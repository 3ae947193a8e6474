import * as fs from 'fs';
import * as path from 'path';
import { EXAMPLE } from '../../examples/least-privilege-access/stack';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { loadAssembly } from '../kit/synth';
import { expectDataProtected } from '../data-protection/data-protection';

// The example app as `npm test` synthesized it with the pinned CLI, and the SCP file the app wrote next to it.
const synth = loadAssembly('examples/least-privilege-access/app.ts');
const enforcementPolicyId = synth.logicalId('LeastPrivilegeAccess/Enforcement/Policy/Resource');
const keyId = synth.logicalId('LeastPrivilegeAccess/Key/Key/Resource');
const scpFile = fs.readFileSync(path.join(synth.assemblyDir, 'bedrock-platform-scp.json'), 'utf8');
const template = () => synth.json.LeastPrivilegeAccess;

describe('example: least-privilege access', () => {
  test('passes every compliance pack; acknowledgements are granular and explained', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('every bucket, log group and topic of the example is protected, with the platform key', () => {
    expectDataProtected(template(), { keyLogicalId: keyId });
  });

  test('the existing application role gets the invoker policy and the enforcement denies', () => {
    const attachedTo = (id: string) => template().Resources[id].Properties.Roles;
    const invokerPolicies = Object.entries(template().Resources as Record<string, any>).filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('InvokerPermissions'));
    expect(invokerPolicies).toHaveLength(1);
    expect(invokerPolicies[0][1].Properties.Roles).toEqual(expect.arrayContaining(['orders-service']));
    expect(attachedTo(enforcementPolicyId)).toEqual(expect.arrayContaining(['orders-service']));
  });

  test('the SCP file the app writes is the enforcement policy, plus the exemptions and the service-role guard', async () => {
    const scp = JSON.parse(scpFile);
    const identity = resolveIntrinsics(template().Resources[enforcementPolicyId].Properties.PolicyDocument, EXAMPLE.env);
    // The SCP adds one statement: it keeps the platform's service-role path for the platform's deployments.
    expect(scp.Statement.map((s: any) => s.Sid)).toEqual([...identity.Statement.map((s: any) => s.Sid), 'DenyChangesToPlatformServiceRoles']);
    const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const request = (principal: string) => ({
      principal,
      action: 'bedrock:InvokeModel',
      resource: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${EXAMPLE.chatProfile}`,
      context: { 'aws:RequestedRegion': 'us-east-1', 'aws:SourceVpce': EXAMPLE.endpointIds.runtime, 'aws:PrincipalArn': principal },
    });
    // Through the endpoint, in the allowed Region, but without the guardrail: denied...
    expect(await decide(request('arn:aws:iam::123456789012:role/orders-service'), { identity: admin, scps: [scp] })).toBe('ExplicitlyDenied');
    // ...except for the break-glass role.
    expect(await decide(request('arn:aws:iam::123456789012:role/BreakGlass'), { identity: admin, scps: [scp] })).toBe('Allowed');
  });

  describe('the private-path enforcement admits every endpoint the personas use', () => {
    const policies = (rolePrefix: string) => {
      const resources = template().Resources as Record<string, any>;
      const [[, role]] = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith(rolePrefix));
      return (role.Properties.ManagedPolicyArns as Array<{ Ref: string }>).map((ref) => resolveIntrinsics(resources[ref.Ref].Properties.PolicyDocument, EXAMPLE.env));
    };
    const call = (rolePrefix: string, action: string, resource: string, endpoint: string) =>
      decide(
        { principal: `arn:aws:iam::123456789012:role/${rolePrefix}`, action, resource, context: { 'aws:RequestedRegion': 'us-east-1', 'aws:SourceVpce': endpoint } },
        { identity: policies(rolePrefix) },
      );

    test("the invoker's Retrieve through the agents-runtime endpoint", async () => {
      expect(await call('InvokerRole', 'bedrock:Retrieve', EXAMPLE.knowledgeBaseArn, EXAMPLE.endpointIds.agentsRuntime)).toBe('Allowed');
    });
    test("the builder's agent calls through the bedrock-agent endpoint", async () => {
      expect(await call('BuilderRole', 'bedrock:ListAgents', '*', EXAMPLE.endpointIds.agents)).toBe('Allowed');
    });
    test('the auditor is enforced too: reads from outside the endpoints are denied', async () => {
      expect(await call('AuditorRole', 'bedrock:ListFoundationModels', '*', EXAMPLE.endpointIds.controlPlane)).toBe('Allowed');
      expect(await call('AuditorRole', 'bedrock:ListFoundationModels', '*', 'vpce-0somewhereelse00000')).toBe('ExplicitlyDenied');
    });
  });

  describe('what a reviewer reads, normalized (logical ids as construct paths)', () => {
    const resources = () => template().Resources as Record<string, any>;
    const paths = logicalIdPaths(synth.assemblyDir, 'LeastPrivilegeAccess');
    /** Intrinsics resolved; each logical id (in a Ref, a GetAtt stand-in or an output) replaced by its construct path. */
    const normalize = (value: unknown) => {
      const json = JSON.stringify(resolveIntrinsics(value, EXAMPLE.env));
      return JSON.parse(
        json
          .replace(/ref-([a-z0-9]+)/g, (m, id: string) => (paths.lower.has(id) ? `<${paths.lower.get(id)}>` : m))
          .replace(/arn:aws:test:[a-z0-9-]+:\d{12}:([A-Za-z0-9]+)\/(\w+)/g, (m, id: string, att: string) => (paths.exact.has(id) ? `<${paths.exact.get(id)}.${att}>` : m)),
      );
    };
    const roles = ['Invoker', 'Builder', 'Operator', 'Auditor', 'ReleasePipeline'];

    test.each(roles)('%s: trust policy, session, attached policies and their statements', (name) => {
      const role = resources()[synth.logicalId(`LeastPrivilegeAccess/${name}/Role/Resource`)].Properties;
      const attached = (role.ManagedPolicyArns as Array<{ Ref: string }>).map((ref) => ({
        policy: paths.exact.get(ref.Ref),
        statements: normalize(resources()[ref.Ref].Properties.PolicyDocument).Statement,
      }));
      expect({ trust: normalize(role.AssumeRolePolicyDocument), maxSessionDuration: role.MaxSessionDuration, attached }).toMatchSnapshot();
    });

    test('the persona statements: one per purpose, no Sid twice in a policy, every Allow scoped or its wildcard acknowledged', () => {
      for (const [id, r] of Object.entries(resources()).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')) {
        const sids = (r.Properties.PolicyDocument.Statement as any[]).map((st) => st.Sid);
        expect({ policy: paths.exact.get(id), sids: [...new Set(sids)] }).toEqual({ policy: paths.exact.get(id), sids });
      }
      expectAcknowledgementsJustified(synth);
    });

    test('the SCP document', () => {
      expect(JSON.parse(scpFile)).toMatchSnapshot();
    });
  });
});

/** Construct path of each logical id of `stack`, from the assembly's metadata (exact, and lower-cased for `ref-` stand-ins). */
function logicalIdPaths(assemblyDir: string, stack: string): { exact: Map<string, string>; lower: Map<string, string> } {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const artifact = manifest.artifacts[stack];
  const metadata = { ...artifact.metadata, ...(artifact.additionalMetadataFile ? JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.additionalMetadataFile), 'utf8')) : {}) };
  const exact = new Map<string, string>();
  for (const [constructPath, entries] of Object.entries(metadata as Record<string, Array<{ type: string; data: unknown }>>)) {
    const id = entries.find((e) => e.type === 'aws:cdk:logicalId')?.data;
    if (typeof id === 'string') exact.set(id, constructPath.replace(/^\//, '').replace(/\/Resource$/, ''));
  }
  return { exact, lower: new Map([...exact].map(([id, p]) => [id.toLowerCase(), p])) };
}
