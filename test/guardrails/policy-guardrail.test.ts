import { App, Stack, Tags } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  AccountGuardrailEnforcement,
  BedrockEnforcement,
  BedrockInvokerRole,
  BedrockModel,
  ContentFilterType,
  ContextualGroundingType,
  FilterStrength,
  GuardrailAction,
  GuardrailModality,
  GuardrailPresets,
  GuardrailTier,
  ManagedWordList,
  PersonaTrust,
  PlatformServiceRole,
  PiiEntityType,
  PlatformValidationError,
  PolicyGuardrail,
  PolicyGuardrailProps,
  SelectiveGuardingMode,
  SensitiveInformationAction,
} from '../../lib';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { cdkJsonContext, synthesize } from '../kit/synth';

const ENV = { account: '123456789012', region: 'us-east-1' };
const TITAN_EMBED = BedrockModel.foundationModel('amazon.titan-embed-text-v2:0');

// One synthesis with every compliance engine: two guardrails (one strict, cross-Region, mutated after
// construction; one built only through mutators), their grants, the IAM enforcement, an invoker
// persona and the account-wide enforcement, all pinned to the strict guardrail's version.
// Tokens resolved after synthesis: the version's logical id is settled at synthesis.
let stack!: Stack;
let strictMetric!: ReturnType<PolicyGuardrail['metricInvocationsIntervened']>;
let balancedIdentifier = '';
const synth = synthesize((app) => {
  stack = new Stack(app, 'Guardrails', { env: ENV });
  const strict = new PolicyGuardrail(stack, 'Strict', {
    ...GuardrailPresets.strict(),
    description: 'Customer-facing assistant',
    blockedInputMessaging: 'This request is not allowed.',
    blockedOutputsMessaging: 'This answer was withheld.',
    tier: GuardrailTier.STANDARD,
    guardrailProfileId: 'us.guardrail.v1:0',
    deniedTopics: [{ name: 'Investment advice', definition: 'Recommendations on allocating funds to generate returns.', examples: ['Should I buy gold?'] }],
    contextualGrounding: [{ type: ContextualGroundingType.GROUNDING, threshold: 0.85 }],
  });
  strict.addDeniedTopic({ name: 'Crypto', definition: 'Buying, selling or mining cryptocurrencies.', outputAction: GuardrailAction.NONE });
  strict.addWordFilter({ text: 'project-falcon' }, { text: 'internal only' });
  strict.addPiiEntity({ type: PiiEntityType.EMAIL, inputAction: SensitiveInformationAction.NONE, outputAction: SensitiveInformationAction.ANONYMIZE });
  strict.addRegex({ name: 'Account number', pattern: 'ACC-[0-9]{8}', description: 'Internal account numbers', action: SensitiveInformationAction.ANONYMIZE });
  strict.addContextualGrounding({ type: ContextualGroundingType.RELEVANCE, threshold: 0.5 });

  const balanced = new PolicyGuardrail(stack, 'Balanced');
  balanced.addContentFilter({ type: ContentFilterType.HATE, inputStrength: FilterStrength.MEDIUM, outputStrength: FilterStrength.LOW, inputModalities: [GuardrailModality.TEXT, GuardrailModality.IMAGE] });
  balanced.addContentFilter({ type: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.NONE });
  balanced.addManagedWordList({ type: ManagedWordList.PROFANITY, outputEnabled: false });
  balancedIdentifier = balanced.guardrailIdentifier;

  // A knowledge-base style service role: its grants land in a managed policy (no inline policy).
  const app1 = new PlatformServiceRole(stack, 'AppRole');
  strict.grantApply(app1);
  balanced.grantApply(app1);
  balanced.grantApply(app1); // twice: no duplicate statement

  const enforcement = new BedrockEnforcement(stack, 'Enforcement', { requireGuardrail: strict, guardrailExemptModels: [TITAN_EMBED] });
  new BedrockInvokerRole(stack, 'Invoker', { trust: PersonaTrust.service('lambda.amazonaws.com'), models: [BedrockModel.foundationModel('amazon.nova-lite-v1:0')], enforcement });
  new AccountGuardrailEnforcement(stack, 'AccountEnforcement', { guardrail: strict, excludedModels: [TITAN_EMBED], messages: SelectiveGuardingMode.COMPREHENSIVE });
  strictMetric = strict.metricInvocationsIntervened();
});
const template = synth.template('Guardrails');
const json = synth.json.Guardrails;
const resourcesOf = (type: string) => Object.entries<any>(json.Resources).filter(([, r]) => r.Type === type);
const guardrail = (namePart: string) => resourcesOf('AWS::Bedrock::Guardrail').find(([id]) => id.startsWith(namePart))!;
const [strictId, strictGuardrail] = guardrail('Strict');
const [balancedId, balancedGuardrail] = guardrail('Balanced');
const versionOf = (guardrailId: string) => resourcesOf('AWS::Bedrock::GuardrailVersion').find(([, r]) => r.Properties.GuardrailIdentifier['Fn::GetAtt'][0] === guardrailId)!;
const platformKeyId = resourcesOf('AWS::KMS::Key').map(([id]) => id).find((id) => id.startsWith('BedrockPlatformDefaultKey'))!;

describe('PolicyGuardrail: template', () => {
  test('compliance engines find nothing; acknowledgements (if any) are justified', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('content filters: every category with its strengths and modalities; prompt attack on prompts only', () => {
    const filters = strictGuardrail.Properties.ContentPolicyConfig.FiltersConfig;
    expect(filters.map((f: any) => f.Type)).toEqual(['HATE', 'INSULTS', 'SEXUAL', 'VIOLENCE', 'MISCONDUCT', 'PROMPT_ATTACK']);
    expect(filters[0]).toEqual({ Type: 'HATE', InputStrength: 'HIGH', OutputStrength: 'HIGH', InputModalities: ['TEXT', 'IMAGE'], OutputModalities: ['TEXT', 'IMAGE'], InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: true });
    expect(filters[5]).toEqual({ Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE', InputModalities: ['TEXT'], InputAction: 'BLOCK', InputEnabled: true });
    expect(strictGuardrail.Properties.ContentPolicyConfig.ContentFiltersTierConfig).toEqual({ TierName: 'STANDARD' });
    expect(balancedGuardrail.Properties.ContentPolicyConfig).toEqual({
      FiltersConfig: [
        { Type: 'HATE', InputStrength: 'MEDIUM', OutputStrength: 'LOW', InputModalities: ['TEXT', 'IMAGE'], OutputModalities: ['TEXT'], InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: true },
        { Type: 'PROMPT_ATTACK', InputStrength: 'HIGH', OutputStrength: 'NONE', InputModalities: ['TEXT'], InputAction: 'BLOCK', InputEnabled: true },
      ],
    });
  });

  test('denied topics, from props and from the mutator, with the tier', () => {
    expect(strictGuardrail.Properties.TopicPolicyConfig).toEqual({
      TopicsConfig: [
        { Name: 'Investment advice', Definition: 'Recommendations on allocating funds to generate returns.', Examples: ['Should I buy gold?'], Type: 'DENY', InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: true },
        { Name: 'Crypto', Definition: 'Buying, selling or mining cryptocurrencies.', Type: 'DENY', InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'NONE', OutputEnabled: true },
      ],
      TopicsTierConfig: { TierName: 'STANDARD' },
    });
  });

  test('word filters and the managed profanity list', () => {
    expect(strictGuardrail.Properties.WordPolicyConfig.WordsConfig.map((w: any) => w.Text)).toEqual(['project-falcon', 'internal only']);
    expect(strictGuardrail.Properties.WordPolicyConfig.ManagedWordListsConfig).toEqual([{ Type: 'PROFANITY', InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: true }]);
    expect(balancedGuardrail.Properties.WordPolicyConfig).toEqual({ ManagedWordListsConfig: [{ Type: 'PROFANITY', InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: false }] });
  });

  test('PII entities with separate input and output actions, and regexes', () => {
    const pii = strictGuardrail.Properties.SensitiveInformationPolicyConfig.PiiEntitiesConfig;
    expect(pii.find((p: any) => p.Type === 'AWS_SECRET_KEY')).toEqual({ Type: 'AWS_SECRET_KEY', Action: 'BLOCK', InputAction: 'BLOCK', InputEnabled: true, OutputAction: 'BLOCK', OutputEnabled: true });
    expect(pii.find((p: any) => p.Type === 'EMAIL')).toEqual({ Type: 'EMAIL', Action: 'BLOCK', InputAction: 'NONE', InputEnabled: true, OutputAction: 'ANONYMIZE', OutputEnabled: true });
    expect(strictGuardrail.Properties.SensitiveInformationPolicyConfig.RegexesConfig).toEqual([
      { Name: 'Account number', Pattern: 'ACC-[0-9]{8}', Description: 'Internal account numbers', Action: 'ANONYMIZE', InputAction: 'ANONYMIZE', InputEnabled: true, OutputAction: 'ANONYMIZE', OutputEnabled: true },
    ]);
  });

  test('contextual grounding and relevance thresholds', () => {
    expect(strictGuardrail.Properties.ContextualGroundingPolicyConfig).toEqual({
      FiltersConfig: [
        { Type: 'GROUNDING', Threshold: 0.85, Action: 'BLOCK', Enabled: true },
        { Type: 'RELEVANCE', Threshold: 0.5, Action: 'BLOCK', Enabled: true },
      ],
    });
  });

  test('messages, cross-Region profile, and the platform key on both guardrails', () => {
    expect(strictGuardrail.Properties).toMatchObject({
      BlockedInputMessaging: 'This request is not allowed.',
      BlockedOutputsMessaging: 'This answer was withheld.',
      Description: 'Customer-facing assistant',
      CrossRegionConfig: { GuardrailProfileArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/us.guardrail.v1:0' },
      KmsKeyArn: { 'Fn::GetAtt': [platformKeyId, 'Arn'] },
    });
    expect(balancedGuardrail.Properties.KmsKeyArn).toEqual({ 'Fn::GetAtt': [platformKeyId, 'Arn'] });
    // A guardrail is used through the caller: no key-policy statement for a Bedrock service principal.
    const keyPolicy = JSON.stringify(json.Resources[platformKeyId].Properties.KeyPolicy);
    expect(keyPolicy).not.toContain('bedrock.amazonaws.com');
    // Generated names, not fixed ones; the default messages.
    expect(balancedGuardrail.Properties.Name).toMatch(/^[0-9a-zA-Z_-]{1,50}$/);
    expect(balancedGuardrail.Properties.BlockedInputMessaging).toMatch(/not allowed/);
    expect(balancedGuardrail.Properties.CrossRegionConfig).toBeUndefined();
    expect(balancedGuardrail.Properties.ContentPolicyConfig.ContentFiltersTierConfig).toBeUndefined();
  });

  test('one retained version per guardrail, whose logical id carries the configuration hash', () => {
    const [strictVersionId, strictVersion] = versionOf(strictId);
    const [balancedVersionId] = versionOf(balancedId);
    expect(strictVersion).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(strictVersion.Properties.Description).toMatch(/^Configuration [0-9A-F]{8}, published by bedrock-secure-platform$/);
    expect(strictVersionId).toMatch(/^StrictVersion[0-9A-F]{8}[0-9A-F]{8}$/);
    expect(strictVersionId.slice(-8)).toBe(strictVersion.Properties.Description.slice(14, 22));
    expect(balancedVersionId).not.toBe(strictVersionId);
    expect(json.Resources[strictId].DeletionPolicy).toBe('Delete');
    expect(resourcesOf('AWS::Bedrock::GuardrailVersion')).toHaveLength(2);
    expect(stack.resolve(balancedIdentifier)).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [balancedId, 'GuardrailArn'] }, ':', { 'Fn::GetAtt': [balancedVersionId, 'Version'] }]] });
  });

  test('IAM enforcement and account-wide enforcement both use the pinned numeric version', () => {
    const [versionId] = versionOf(strictId);
    const identifier = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [strictId, 'GuardrailArn'] }, ':', { 'Fn::GetAtt': [versionId, 'Version'] }]] };
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'DenyInvokeWithoutPlatformGuardrail', Effect: 'Deny', Condition: { StringNotEquals: { 'bedrock:GuardrailIdentifier': identifier } } })]) },
    });
    template.hasResourceProperties('AWS::Bedrock::EnforcedGuardrailConfiguration', {
      GuardrailIdentifier: { 'Fn::GetAtt': [strictId, 'GuardrailArn'] },
      GuardrailVersion: { 'Fn::GetAtt': [versionId, 'Version'] },
      ModelEnforcement: { IncludedModels: ['ALL'], ExcludedModels: ['amazon.titan-embed-text-v2:0'] },
      SelectiveContentGuarding: { Messages: 'COMPREHENSIVE' },
    });
    // The invoker persona held to the enforcement may apply the guardrail and decrypt it through Bedrock.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Sid: 'ApplyPlatformGuardrail', Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: { 'Fn::GetAtt': [strictId, 'GuardrailArn'] } }]) },
    });
  });

  test('grantApply: ApplyGuardrail on the guardrail and its profile in each US Region, kms:Decrypt only through Bedrock, no duplicates', () => {
    const [, policy] = resourcesOf('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('AppRolePermissions'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const apply = statements.filter((s: any) => [s.Action].flat().includes('bedrock:ApplyGuardrail'));
    const resources = apply.flatMap((s: any) => [s.Resource].flat());
    expect(resources).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [strictId, 'GuardrailArn'] },
        { 'Fn::GetAtt': [balancedId, 'GuardrailArn'] },
        ...['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2'].map((r) => `arn:aws:bedrock:${r}:123456789012:guardrail-profile/us.guardrail.v1:0`),
      ]),
    );
    expect(resources).toHaveLength(6);
    const decrypt = statements.filter((s: any) => [s.Action].flat().includes('kms:Decrypt'));
    expect(decrypt).toEqual([{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [platformKeyId, 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': 'bedrock.us-east-1.amazonaws.com' } } }]);
    expect(new Set(statements.map((s: any) => JSON.stringify(s))).size).toBe(statements.length);
  });

  test('metrics: AWS/Bedrock/Guardrails by guardrail ARN and pinned version', () => {
    const [versionId] = versionOf(strictId);
    expect(stack.resolve(strictMetric.toMetricConfig().metricStat)).toMatchObject({
      namespace: 'AWS/Bedrock/Guardrails',
      metricName: 'InvocationsIntervened',
      dimensions: [
        { name: 'GuardrailArn', value: { 'Fn::GetAtt': [strictId, 'GuardrailArn'] } },
        { name: 'GuardrailVersion', value: { 'Fn::GetAtt': [versionId, 'Version'] } },
      ],
      statistic: 'Sum',
    });
  });
});

// Cheap syntheses without the compliance engines: what changes the version's logical id.
function versionLogicalId(configure: (g: PolicyGuardrail, stack: Stack) => void, props: PolicyGuardrailProps = {}): string {
  const stack = new Stack(new App({ context: cdkJsonContext() }), 'Versions', { env: ENV });
  const g = new PolicyGuardrail(stack, 'Guardrail', { contentFilters: [{ type: ContentFilterType.HATE, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.HIGH }], ...props });
  configure(g, stack);
  const ids = Object.keys(Template.fromStack(stack).findResources('AWS::Bedrock::GuardrailVersion'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('PolicyGuardrail: a new version iff the configuration changes', () => {
  const base = versionLogicalId(() => undefined);

  test('same configuration, same version; tags do not count', () => {
    expect(versionLogicalId(() => undefined)).toBe(base);
    expect(versionLogicalId((g) => Tags.of(g).add('team', 'ai'))).toBe(base);
  });

  test('a mutator, a message or the key changes it', () => {
    const changed = [
      versionLogicalId((g) => g.addDeniedTopic({ name: 'Crypto', definition: 'Cryptocurrency trading.' })),
      versionLogicalId(() => undefined, { blockedInputMessaging: 'No.' }),
      versionLogicalId((g) => g.addPiiEntity({ type: PiiEntityType.EMAIL, action: SensitiveInformationAction.ANONYMIZE })),
      versionLogicalId(() => undefined, { contentFilters: [{ type: ContentFilterType.HATE, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.MEDIUM }] }),
    ];
    expect(new Set([base, ...changed]).size).toBe(changed.length + 1);
    for (const id of changed) expect(id.slice(0, -8)).toBe(base.slice(0, -8));
  });
});

test('a stack using the guardrail of another stack imports the pinned version under its final logical id', () => {
  const app = new App();
  const owner = new Stack(app, 'Owner', { env: ENV });
  const g = new PolicyGuardrail(owner, 'G', GuardrailPresets.balanced());
  const user = new Stack(app, 'User', { env: ENV });
  new BedrockEnforcement(user, 'Enforcement', { requireGuardrail: g });
  const versionId = Object.keys(Template.fromStack(owner).findResources('AWS::Bedrock::GuardrailVersion'))[0];
  expect(versionId).toMatch(/^GVersion[0-9A-F]{16}$/);
  const outputs = Template.fromStack(owner).toJSON().Outputs;
  expect(Object.values<any>(outputs).map((o) => o.Value)).toContainEqual({ 'Fn::GetAtt': [versionId, 'Version'] });
});

describe('PolicyGuardrail: validation', () => {
  const stackFor = () => new Stack(new App(), 'V', { env: ENV });
  const hate = { type: ContentFilterType.HATE, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.HIGH };
  const cases: Array<[string, PolicyGuardrailProps | ((g: PolicyGuardrail) => void), RegExp]> = [
    ['name pattern', { guardrailName: 'bad name!' }, /invalid guardrailName "bad name!".*letters, digits, - and _/],
    ['name length', { guardrailName: 'a'.repeat(51) }, /invalid guardrailName .*1 to 50 characters; this one has 51/],
    ['empty blocked message', { blockedInputMessaging: '' }, /invalid blockedInputMessaging "".*1 to 500/],
    ['long blocked message', { blockedOutputsMessaging: 'x'.repeat(501) }, /invalid blockedOutputsMessaging .*1 to 500 characters; this one has 501/],
    ['long description', { description: 'x'.repeat(201) }, /invalid description .*1 to 200/],
    ['strength enum', { contentFilters: [{ ...hate, inputStrength: 'EXTREME' as FilterStrength }] }, /invalid contentFilters\[0\]\.inputStrength "EXTREME".*FilterStrength\.NONE, FilterStrength\.LOW/],
    ['prompt attack output', { contentFilters: [{ type: ContentFilterType.PROMPT_ATTACK, inputStrength: FilterStrength.HIGH, outputStrength: FilterStrength.LOW }] }, /invalid contentFilters\[0\]\.outputStrength "LOW".*must be FilterStrength\.NONE/],
    ['modality enum', { contentFilters: [{ ...hate, inputModalities: ['VIDEO' as GuardrailModality] }] }, /invalid contentFilters\[0\]\.inputModalities\[0\] "VIDEO"/],
    ['category twice', { contentFilters: [hate, { ...hate, outputStrength: FilterStrength.LOW }] }, /invalid contentFilters\[1\] "HATE".*already has content filter/],
    ['threshold 1', { contextualGrounding: [{ type: ContextualGroundingType.GROUNDING, threshold: 1 }] }, /invalid contextualGrounding\[0\]\.threshold 1.*0 to 0\.99/],
    ['threshold negative', { contextualGrounding: [{ type: ContextualGroundingType.RELEVANCE, threshold: -0.1 }] }, /threshold -0\.1/],
    ['PII action enum', { piiEntities: [{ type: PiiEntityType.EMAIL, outputAction: 'MASK' as SensitiveInformationAction }] }, /invalid piiEntities\[0\]\.outputAction "MASK".*SensitiveInformationAction\.ANONYMIZE/],
    ['PII type enum', { piiEntities: [{ type: 'SSN' as PiiEntityType }] }, /invalid piiEntities\[0\]\.type "SSN"/],
    ['topic name pattern', { deniedTopics: [{ name: 'Crypto/Web3', definition: 'x' }] }, /invalid deniedTopics\[0\]\.name "Crypto\/Web3"/],
    ['topic definition', { deniedTopics: [{ name: 'Crypto', definition: 'x'.repeat(201) }] }, /deniedTopics\[0\]\.definition .*1 to 200/],
    ['topic examples', { deniedTopics: [{ name: 'Crypto', definition: 'x', examples: ['a', 'b', 'c', 'd', 'e', 'f'] }] }, /deniedTopics\[0\]\.examples .*at most 5 examples/],
    ['31 topics', { deniedTopics: Array.from({ length: 31 }, (_, i) => ({ name: `Topic ${i}`, definition: 'x' })) }, /invalid deniedTopics\[30\] .*at most 30 denied topics/],
    ['topic name twice (any case)', (g) => { g.addDeniedTopic({ name: 'Crypto', definition: 'x' }); g.addDeniedTopic({ name: 'crypto', definition: 'y' }); }, /invalid addDeniedTopic\(topic\) "crypto".*already has denied topic/],
    ['word length', (g) => g.addWordFilter({ text: 'w'.repeat(101) }), /addWordFilter\(words\[0\]\)\.text .*1 to 100/],
    ['11 regexes', { regexes: Array.from({ length: 11 }, (_, i) => ({ name: `r${i}`, pattern: `[0-9]{${i + 1}}` })) }, /invalid regexes\[10\] .*at most 10 regexes/],
    ['regex pattern length', (g) => g.addRegex({ name: 'r', pattern: 'x'.repeat(501) }), /addRegex\(regex\)\.pattern .*1 to 500/],
    ['standard tier without profile', { tier: GuardrailTier.STANDARD }, /invalid guardrailProfileId \(not set\).*STANDARD tier requires cross-Region inference/],
    ['profile of another geography', { guardrailProfileId: 'eu.guardrail.v1:0' }, /invalid guardrailProfileId "eu.guardrail.v1:0".*us-east-1 is not among/],
    ['profile ARN instead of ID', { guardrailProfileId: 'arn:aws:bedrock:us-east-1:123456789012:guardrail-profile/us.guardrail.v1:0' }, /Must be a guardrail profile ID/],
    ['snapshot version policy', { versionRemovalPolicy: 'Snapshot' as any }, /invalid versionRemovalPolicy "snapshot"/i],
  ];

  test.each(cases)('%s', (_, input, message) => {
    const build = () => {
      const stack = stackFor();
      if (typeof input === 'function') input(new PolicyGuardrail(stack, 'G'));
      else new PolicyGuardrail(stack, 'G', input);
    };
    expect(build).toThrow(PlatformValidationError);
    expect(build).toThrow(message);
  });

  test('errors name the construct path', () => {
    expect(() => new PolicyGuardrail(stackFor(), 'G', { guardrailName: '' })).toThrow(/^V\/G: invalid guardrailName ""/);
  });

  test('tokens are skipped, not compared', () => {
    const stack = stackFor();
    const name = new (require('aws-cdk-lib').CfnParameter)(stack, 'Name').valueAsString;
    expect(() => new PolicyGuardrail(stack, 'G', { guardrailName: name, blockedInputMessaging: name, deniedTopics: [{ name, definition: name }] })).not.toThrow();
  });

  test('fromGuardrailAttributes: DRAFT and malformed ARNs are refused; a pinned import grants and measures its version', () => {
    const stack = stackFor();
    expect(() => PolicyGuardrail.fromGuardrailAttributes(stack, 'Draft', { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', guardrailVersion: 'DRAFT' })).toThrow(/DRAFT/);
    expect(() => PolicyGuardrail.fromGuardrailAttributes(stack, 'Bad', { guardrailArn: 'abc123', guardrailVersion: '1' })).toThrow(/guardrailArn/);
    const imported = PolicyGuardrail.fromGuardrailAttributes(stack, 'Shared', { guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', guardrailVersion: '4' });
    expect(imported.guardrailIdentifier).toBe('arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123:4');
    expect(imported.guardrailId).toBe('abc123');
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    imported.grantApply(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123' }] },
    });
    expect(imported.metricInvocations().dimensions).toEqual({ GuardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123', GuardrailVersion: '4' });
  });

  test('account-wide enforcement: one per account and Region in an app, foundation models only', () => {
    const stack = stackFor();
    const g = new PolicyGuardrail(stack, 'G');
    new AccountGuardrailEnforcement(stack, 'One', { guardrail: g });
    expect(() => new AccountGuardrailEnforcement(new Stack(stack.node.root as App, 'Other', { env: ENV }), 'Two', { guardrail: g })).toThrow(/one setting per account and Region.*V\/One/);
    const fresh = stackFor();
    expect(() => new AccountGuardrailEnforcement(fresh, 'E', { guardrail: new PolicyGuardrail(fresh, 'G'), excludedModels: [BedrockModel.crossRegionProfile('us.amazon.nova-pro-v1:0')] })).toThrow(/excludedModels\[0\].*foundation model/);
  });
});
