import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BedrockAuditorPolicy, BedrockBuilderPolicy, BedrockEnforcement, BedrockInvokerPolicy, BedrockOperatorPolicy } from '../../lib/identity';
import { BedrockModel } from '../../lib/core/bedrock-model';
import { cdkJsonContext } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const GUARDRAIL = { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' };

/** Warnings of the personasCancelEachOther kind in a stack where `attach` gave one role some personas. */
function conflicts(attach: (stack: Stack, role: iam.Role) => void): string[] {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Personas', { env: ENV });
  const role = new iam.Role(stack, 'Shared', { assumedBy: new iam.AccountPrincipal(ENV.account) });
  attach(stack, role);
  return Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp('personasCancelEachOther'))
    .map((w) => String(w.entry.data));
}

const invoker = (s: Stack) => new BedrockInvokerPolicy(s, 'Invoke', { models: [BedrockModel.foundationModel('amazon.nova-lite-v1:0')] });

describe('personas whose explicit denies cancel each other', () => {
  test('build + operate on one role: warned, naming the blocked actions', () => {
    const found = conflicts((s, role) => {
      new BedrockBuilderPolicy(s, 'Build').grantBuild(role);
      new BedrockOperatorPolicy(s, 'Operate').grantOperate(role);
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(/Personas\/Build and Personas\/Operate are attached to the same principal/);
    expect(found.join('\n')).toMatch(/bedrock:CreateProvisionedModelThroughput|Give each persona its own role/);
  });

  test('invoke + audit on one role: warned (the auditor denies the data plane)', () => {
    const found = conflicts((s, role) => {
      invoker(s).grantInvoke(role);
      new BedrockAuditorPolicy(s, 'Audit').grantAudit(role);
    });
    expect(found.join('\n')).toMatch(/explicit denies of Personas\/Audit block bedrock:InvokeModel/);
  });

  test('a persona with the enforcement (conditional denies) is not a conflict', () => {
    expect(
      conflicts((s, role) => {
        invoker(s).grantInvoke(role);
        new BedrockEnforcement(s, 'Enforce', { requireGuardrail: GUARDRAIL }).enforceOn(role);
      }),
    ).toEqual([]);
  });

  test('one persona granted twice is not a conflict', () => {
    expect(
      conflicts((s, role) => {
        const p = invoker(s);
        p.grantInvoke(role);
        p.grantInvoke(role);
      }),
    ).toEqual([]);
  });

  test('an enforcement imported by attributes is not a conflict, and does not hide one', () => {
    const found = conflicts((s, role) => {
      BedrockEnforcement.fromEnforcementAttributes(s, 'Imported', { managedPolicyArn: 'arn:aws:iam::123456789012:policy/bedrock-enforcement' }).enforceOn(role);
      invoker(s).grantInvoke(role);
      new BedrockAuditorPolicy(s, 'Audit').grantAudit(role);
    });
    expect(found).toEqual([expect.stringMatching(/^Personas\/Invoke and Personas\/Audit are attached to the same principal \(Personas\/Shared\): the explicit denies of Personas\/Audit block bedrock:InvokeModel/)]);
  });

  test('personas of another stack on one role: still warned', () => {
    const app = new App({ context: cdkJsonContext() });
    const personas = new Stack(app, 'Personas', { env: ENV });
    const workloads = new Stack(app, 'Workloads', { env: ENV });
    const role = new iam.Role(workloads, 'Shared', { assumedBy: new iam.AccountPrincipal(ENV.account) });
    new BedrockBuilderPolicy(personas, 'Build').grantBuild(role);
    new BedrockOperatorPolicy(personas, 'Operate').grantOperate(role);
    const found = Annotations.fromStack(personas).findWarning('*', Match.stringLikeRegexp('personasCancelEachOther'));
    expect(found.map((w) => String(w.entry.data))).toEqual(expect.arrayContaining([expect.stringMatching(/^Personas\/Build and Personas\/Operate are attached to the same principal \(Workloads\/Shared\)/)]));
  });
});
