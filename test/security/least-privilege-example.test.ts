import { CfnElement } from 'aws-cdk-lib';
import { buildLeastPrivilegeAccess, EXAMPLE } from '../../examples/least-privilege-access/stack';
import { BedrockEnforcement } from '../../lib/security/least-privilege';
import { decide } from '../kit/iam';
import { resolveIntrinsics } from '../kit/intrinsics';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';
import { expectDataProtected } from './data-protection';

let enforcement: BedrockEnforcement | undefined;
let enforcementPolicyId = '';
let keyId = '';
const synth = synthesize((app) => {
  const built = buildLeastPrivilegeAccess(app);
  enforcement = built.enforcement;
  enforcementPolicyId = built.stack.getLogicalId(built.enforcement.managedPolicy.node.defaultChild as CfnElement);
  keyId = built.stack.getLogicalId(built.key.key.node.defaultChild as CfnElement);
});
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

  test('the SCP file the app writes is the enforcement policy, minus nothing, plus the exemptions', async () => {
    const scp = JSON.parse(enforcement!.serviceControlPolicyJson());
    const identity = resolveIntrinsics(template().Resources[enforcementPolicyId].Properties.PolicyDocument, EXAMPLE.env);
    expect(scp.Statement.map((s: any) => s.Sid)).toEqual(identity.Statement.map((s: any) => s.Sid));
    const admin = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }];
    const request = (principal: string) => ({
      principal,
      action: 'bedrock:InvokeModel',
      resource: `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${EXAMPLE.chatProfile}`,
      context: { 'aws:RequestedRegion': 'us-east-1', 'aws:SourceVpce': EXAMPLE.runtimeEndpointId, 'aws:PrincipalArn': principal },
    });
    // Through the endpoint, in the allowed Region, but without the guardrail: denied...
    expect(await decide(request('arn:aws:iam::123456789012:role/orders-service'), { identity: admin, scps: [scp] })).toBe('ExplicitlyDenied');
    // ...except for the break-glass role.
    expect(await decide(request('arn:aws:iam::123456789012:role/BreakGlass'), { identity: admin, scps: [scp] })).toBe('Allowed');
  });

  test('template snapshot', () => {
    expect(template()).toMatchSnapshot();
  });
});
