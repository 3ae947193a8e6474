import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, DefaultStackSynthesizer, Stack, Stage } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { deployProblems } from '../../lib/compliance';
import {
  BaselineStackSet, BaselineStackSetProps, BedrockEnforcement, BedrockServiceControlPolicy, GuardrailPresets, PlatformBaselineStack, PlatformValidationError,
  STACK_SET_TEMPLATE_BODY_MAX_BYTES, StackSetCallAs, StackSetSynthesizer, StackSetTemplateDelivery,
} from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { synthesize } from '../kit/synth';

const OUS = ['ou-ab12-cdef3456', 'r-ab12'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const MANAGEMENT = { account: '123456789012', region: 'us-east-1' };
let stackSet!: BaselineStackSet;
let enforcement!: BedrockEnforcement;

// One synthesis: the baseline in its own Stage (checked by the app's packs like any stack), the stack
// set and the SCP in the management account.
const synth = synthesize((app) => {
  const baseline = new PlatformBaselineStack(new Stage(app, 'Baseline'), 'PlatformBaseline', {
    alertEmails: ['security@example.com'],
    budget: { amount: 500 },
    guardrail: { ...GuardrailPresets.balanced() },
  });
  const org = new Stack(app, 'Organization', { env: MANAGEMENT });
  stackSet = new BaselineStackSet(org, 'Baseline', { baseline, organizationalUnitIds: OUS, regions: REGIONS, callAs: StackSetCallAs.DELEGATED_ADMIN });
  enforcement = new BedrockEnforcement(org, 'Enforcement', { dataResidency: { allowedRegions: REGIONS } });
  new BedrockServiceControlPolicy(org, 'Scp', { enforcement, targetIds: [...stackSet.organizationalUnitIds] });
});
const org = synth.json.Organization;
const ofType = (template: any, type: string) => Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const props = ofType(org, 'AWS::CloudFormation::StackSet')[0][1].Properties;
const body = JSON.parse(props.TemplateBody);

describe('BaselineStackSet', () => {
  test('zero findings over the management stack and the baseline template, acknowledgements justified', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    // The baseline's own acknowledgements are in the report: its Stage was checked too.
    expect(synth.compliance.acknowledgements.some((a) => a.path.startsWith('Baseline/PlatformBaseline/'))).toBe(true);
    expect(deployProblems(body)).toEqual([]);
  });

  test('service-managed, auto-deployed to the OUs (stacks kept when an account leaves), managed execution, delegated admin', () => {
    expect(props).toMatchObject({
      StackSetName: 'Baseline-PlatformBaseline',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: true },
      ManagedExecution: { Active: true },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: REGIONS }],
      OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10, RegionConcurrencyType: 'SEQUENTIAL', RegionOrder: REGIONS },
      Capabilities: ['CAPABILITY_IAM'],
    });
    expect(props.TemplateURL).toBeUndefined();
  });

  test('the template body is the baseline as synthesized, within the 51,200-byte limit, with no bootstrap check', () => {
    expect(body).toEqual(stackSet.template());
    expect(Buffer.byteLength(props.TemplateBody)).toBe(stackSet.templateBytes());
    expect(stackSet.templateBytes()).toBeLessThanOrEqual(STACK_SET_TEMPLATE_BODY_MAX_BYTES);
    expect(body.Parameters?.BootstrapVersion).toBeUndefined();
    expect(body.Rules).toBeUndefined();
    for (const type of ['AWS::KMS::Key', 'AWS::CloudTrail::Trail', 'AWS::Config::ConfigRule', 'AWS::Budgets::Budget', 'AWS::Bedrock::Guardrail', 'AWS::Bedrock::EnforcedGuardrailConfiguration']) {
      expect({ type, count: ofType(body, type).length > 0 }).toEqual({ type, count: true });
    }
    // No Lambda-backed part by default: nothing the target accounts would have to fetch code for.
    expect(ofType(body, 'AWS::Lambda::Function')).toEqual([]);
    // Regional trail: the stack set deploys the baseline in each Region.
    expect(ofType(body, 'AWS::CloudTrail::Trail')[0][1].Properties.IsMultiRegionTrail).toBe(false);
  });

  test('the budget (account-wide) is created in the home Region only, and nothing else depends on it', () => {
    expect(body.Conditions.InHomeRegion).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    const conditioned = Object.entries(body.Resources as Record<string, any>).filter(([, r]) => r.Condition === 'InHomeRegion').map(([id]) => id);
    expect(conditioned.length).toBeGreaterThan(0);
    expect(ofType(body, 'AWS::Budgets::Budget').every(([id]) => conditioned.includes(id))).toBe(true);
    for (const [id, r] of Object.entries(body.Resources as Record<string, any>)) {
      if (r.Condition) continue;
      const text = JSON.stringify(r);
      for (const c of conditioned) expect({ id, refs: text.includes(`"${c}"`) }).toEqual({ id, refs: false });
    }
  });

  test('the SCP is an Organizations policy on the same OUs with exactly the enforcement document', () => {
    const [, policy] = ofType(org, 'AWS::Organizations::Policy')[0];
    expect(policy.Properties.Type).toBe('SERVICE_CONTROL_POLICY');
    expect(policy.Properties.TargetIds).toEqual(OUS);
    expect(policy.Properties.Content).toEqual(Stack.of(enforcement).resolve(enforcement.serviceControlPolicyDocument));
    expect(policy.Properties.Content.Statement.length).toBeGreaterThan(0);
  });
});

/** A stack set in a fresh app (no synthesis unless asked): for the validation table. */
function build(props: Partial<BaselineStackSetProps> = {}, baselineProps: ConstructorParameters<typeof PlatformBaselineStack>[2] = { configRules: false, audit: false }) {
  const app = new App();
  const baseline = new PlatformBaselineStack(new Stage(app, 'B'), 'Base', baselineProps);
  const org = new Stack(app, 'Org', { env: MANAGEMENT });
  return { app, set: new BaselineStackSet(org, 'Set', { baseline, organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['us-east-1'], ...props }) };
}

describe('validation', () => {
  test.each<[string, () => unknown, RegExp]>([
    ['an OU id of the wrong shape', () => build({ organizationalUnitIds: ['ou-12'] }), /organizationalUnitIds\[0\].*ou-xxxx-xxxxxxxx/],
    ['an account id as OU', () => build({ organizationalUnitIds: ['123456789012'] }), /organizationalUnitIds\[0\]/],
    ['no OU', () => build({ organizationalUnitIds: [] }), /at least one organizational unit/],
    ['an unknown Region', () => build({ regions: ['xx-fake-9'] }), /regions\[0\].*region facts/],
    ['no Region', () => build({ regions: [] }), /at least one Region/],
    ['a stack set name starting with a digit', () => build({ stackSetName: '1baseline' }), /stackSetName/],
    ['a count and a percentage', () => build({ operationPreferences: { maxConcurrentCount: 2, maxConcurrentPercentage: 10 } }), /maxConcurrentCount or maxConcurrentPercentage, not both/],
    ['a percentage above 100', () => build({ operationPreferences: { failureTolerancePercentage: 101 } }), /failureTolerancePercentage.*0 to 100/],
    ['more concurrency than tolerated failures + 1', () => build({ operationPreferences: { maxConcurrentCount: 5, failureToleranceCount: 1 } }), /at most failureToleranceCount \+ 1 \(2\)/],
    ['a Region order outside the Regions', () => build({ operationPreferences: { regionOrder: ['eu-west-1'] } }), /regionOrder\[0\]/],
    ['an unknown callAs', () => build({ callAs: 'ADMIN' as StackSetCallAs }), /callAs.*SELF, DELEGATED_ADMIN/],
    ['a baseline in the stack set\'s own Stage', () => {
      const app = new App();
      const baseline = new PlatformBaselineStack(app, 'Base', { audit: false, configRules: false });
      return new BaselineStackSet(new Stack(app, 'Org'), 'Set', { baseline, organizationalUnitIds: ['r-ab12'], regions: ['us-east-1'] });
    }, /Stage of its own/],
    ['a baseline with the default synthesizer', () => {
      const app = new App();
      const baseline = new Stack(new Stage(app, 'B'), 'Base');
      return new BaselineStackSet(new Stack(app, 'Org'), 'Set', { baseline, organizationalUnitIds: ['r-ab12'], regions: ['us-east-1'] });
    }, /StackSetSynthesizer.*bootstrap-version/],
    ['a baseline bound to an account', () => build({}, { env: { account: '222222222222' }, audit: false, configRules: false }), /leave its env account unset/],
    ['a baseline bound to another Region', () => build({ regions: ['us-east-1'] }, { env: { region: 'eu-west-1' }, audit: false, configRules: false }), /bound to eu-west-1/],
    ['invocation logging without code buckets', () => build({}, { invocationLogging: {} }), /invocationLogging.*assetBucketNamePrefix/],
    ['asset buckets with a given synthesizer', () => build({}, { synthesizer: new DefaultStackSynthesizer(), assetBucketNamePrefix: 'org-code' }), /assetBucketNamePrefix/],
    ['an SCP target of the wrong shape', () => {
      const stack = new Stack(new App(), 'Org', { env: MANAGEMENT });
      const e = new BedrockEnforcement(stack, 'E', { dataResidency: { allowedRegions: ['us-east-1'] } });
      return new BedrockServiceControlPolicy(stack, 'Scp', { enforcement: e, targetIds: ['ou-x'] });
    }, /targetIds\[0\]/],
  ])('refuses %s', (_name, make, message) => {
    expect(make).toThrow(PlatformValidationError);
    expect(make).toThrow(message);
  });

  test('a template over 51,200 bytes fails synthesis, naming its size; S3_ASSET delivery takes it', () => {
    const big = (delivery?: StackSetTemplateDelivery) => {
      const { app, set } = build({ templateDelivery: delivery });
      const baseline = Stage.of(set)!.node.findChild('B').node.findChild('Base') as Stack;
      new CfnResource(baseline, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('padding', 'x'.repeat(60_000));
      return { app, set };
    };
    const { app } = big();
    expect(() => app.synth()).toThrow(/is \d{5} bytes of minified JSON, more than the 51200 bytes.*S3_ASSET/);

    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-stackset-'));
    const asset = new App({ outdir });
    const baseline = new PlatformBaselineStack(new Stage(asset, 'B'), 'Base', { audit: false, configRules: false });
    new CfnResource(baseline, 'Padding', { type: 'AWS::CloudFormation::WaitConditionHandle' }).addMetadata('padding', 'x'.repeat(60_000));
    const org = new Stack(asset, 'Org', { env: MANAGEMENT });
    const set = new BaselineStackSet(org, 'Set', { baseline, organizationalUnitIds: ['r-ab12'], regions: ['us-east-1'], templateDelivery: StackSetTemplateDelivery.S3_ASSET });
    asset.synth();
    const resolved = org.resolve(set.stackSet.templateUrl);
    expect(JSON.stringify(resolved)).toContain('cdk-hnb659fds-assets-123456789012-us-east-1');
    expect(set.stackSet.templateBody).toBeUndefined();
    expect(set.templateBytes()).toBeGreaterThan(STACK_SET_TEMPLATE_BODY_MAX_BYTES);
  });
});

describe('StackSetSynthesizer', () => {
  test('refuses a file asset without organization-readable buckets, naming the part', () => {
    const stack = new Stack(new App(), 'Base', { synthesizer: new StackSetSynthesizer() });
    expect(() => new s3assets.Asset(stack, 'Code', { path: __filename })).toThrow(/Base is a StackSets template and has a file asset.*assetBucketNamePrefix/);
  });

  test('with buckets, an asset is read from the bucket of the instance\'s own Region and published to each Region\'s bucket', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-stackset-'));
    const app = new App({ outdir });
    const synthesizer = new StackSetSynthesizer({ assetBucketNamePrefix: 'org-code', assetRegions: ['us-east-1', 'eu-west-1'] });
    const stack = new Stack(app, 'Base', { synthesizer });
    new CfnResource(stack, 'Handle', { type: 'AWS::CloudFormation::WaitConditionHandle' });
    const asset = new s3assets.Asset(stack, 'Code', { path: __filename });
    expect(stack.resolve(asset.s3BucketName)).toEqual({ 'Fn::Join': ['-', ['org-code', { Ref: 'AWS::Region' }]] });
    const assembly = app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'Base.assets.json'), 'utf8'));
    const destinations = Object.values(manifest.files[asset.assetHash].destinations as Record<string, any>);
    expect(destinations.map((d) => [d.bucketName, d.region, d.objectKey])).toEqual([
      ['org-code-us-east-1', 'us-east-1', `${asset.assetHash}.ts`],
      ['org-code-eu-west-1', 'eu-west-1', `${asset.assetHash}.ts`],
    ]);
    expect(assembly.getStackByName('Base').template.Parameters?.BootstrapVersion).toBeUndefined();
  });
});
