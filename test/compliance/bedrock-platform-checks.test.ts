import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };

// One synthesis with a compliant and a broken resource per rule: each rule must flag exactly the broken one.
const synth = synthesize((app) => {
  const stack = new Stack(app, 'Rules', { env: ENV });
  const key = (id: string, statement?: iam.PolicyStatement) => {
    const k = new kms.Key(stack, id, { enableKeyRotation: true });
    if (statement) k.addToResourcePolicy(statement);
    return k;
  };
  key('GoodKey');
  key('PublicKey', new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'] }));
  key(
    'OrgScopedKey',
    new iam.PolicyStatement({ principals: [new iam.AnyPrincipal()], actions: ['kms:Decrypt'], resources: ['*'], conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
  );
  key('UnscopedServiceKey', new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('sns.amazonaws.com')], actions: ['kms:Decrypt'], resources: ['*'] }));
  const acked = key('AcknowledgedKey', new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('events.amazonaws.com')], actions: ['kms:Decrypt'], resources: ['*'] }));
  Validations.of(acked).acknowledge({ id: 'BedrockPlatform::BedrockPlatform-KMS2[Service::events.amazonaws.com]', reason: 'Test: an acknowledged finding is reported as suppressed, not as a finding.' });

  const role = (id: string, actions: string[]) => {
    const r = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    r.addToPolicy(new iam.PolicyStatement({ actions, resources: ['arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0'] }));
  };
  role('ScopedRole', ['bedrock:InvokeModel']);
  role('BlanketRole', ['bedrock:*']);
});

const flagged = (rule: string) =>
  synth.compliance.findings.filter((f) => f.rule.replace(/\[.*\]$/, '') === `BedrockPlatform-${rule}`).map((f) => f.path.split('/')[1]);

describe('BedrockPlatformChecks', () => {
  test('KMS1 flags a bare wildcard principal, not one pinned to the organization', () => {
    expect(flagged('KMS1')).toEqual(['PublicKey']);
  });

  test('KMS2 flags a service principal without a confused-deputy condition', () => {
    expect(flagged('KMS2')).toEqual(['UnscopedServiceKey']);
    expect(synth.compliance.findings.filter((f) => f.rule.startsWith('BedrockPlatform-KMS2')).map((f) => f.rule)).toEqual(['BedrockPlatform-KMS2[Service::sns.amazonaws.com]']);
  });

  test('IAM1 flags bedrock:* in an identity policy', () => {
    expect(flagged('IAM1')).toEqual(['BlanketRole']);
  });

  test('an acknowledgement moves the finding to the acknowledged list', () => {
    expect(synth.compliance.acknowledgements.filter((a) => a.pack === 'BedrockPlatform').map((a) => a.path)).toEqual(['Rules/AcknowledgedKey/Resource']);
  });
});
