/**
 * Property: for every public construct, whatever props a caller passes (TypeScript or JavaScript,
 * valid, boundary, hostile, tokens, wrong types), construction and synthesis either succeed with
 * templates that pass the library's pre-deploy checks, or fail with the library's own validation
 * error (`PlatformValidationError`, naming construct path, prop and value). Anything else (a
 * TypeError, an error from deep inside aws-cdk-lib, a template CloudFormation's schema rejects, a
 * pre-deploy problem) is a bug the run reports with its seed and the shrunk props.
 *
 * Seeded and small by default (a few seconds of `npm test`); `npm run fuzz` runs many more cases:
 * FUZZ_RUNS (runs per construct), FUZZ_SEED (the seed).
 */
import { App, CfnParameter, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as lib from '../../lib';
import { deployProblems } from '../../lib/compliance/deploy-checks';
import { cdkJsonContext } from '../kit/synth';

const RUNS = Number(process.env.FUZZ_RUNS ?? 6);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const ENV = { account: '123456789012', region: 'us-east-1' };
const CONTEXT = { ...cdkJsonContext(), 'aws:cdk:disable-asset-staging': true };

/** What a caller might pass where anything is expected: the JavaScript view of a prop. */
type Scope = { stack: Stack; vpc: ec2.IVpc };
type Value = (s: Scope) => unknown;

const hostile: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(() => undefined),
  fc.constant(() => null),
  fc.constant(() => ''),
  fc.string({ maxLength: 12 }).map((v) => () => v),
  fc.constantFrom('*', '{x}', 'not-an-arn', 'arn:aws:iam::123:role/x', '0.0.0.0/0', '10.0.0.0/33', 'xx-fake-9', ' ', 'a'.repeat(300)).map((v) => () => v),
  fc.oneof(fc.integer({ min: -5, max: 100000 }), fc.double({ noNaN: false }), fc.constantFrom(0, -1, 1.5, Number.MAX_SAFE_INTEGER)).map((v) => () => v),
  fc.boolean().map((v) => () => v),
  fc.constant(() => ({})),
  fc.constant(() => [null]),
  fc.constant(() => [undefined, 'x']),
  fc.constant(() => ['x', 'x']),
  fc.constant((s: Scope) => new CfnParameter(s.stack, `P${s.stack.node.children.length}`, { type: 'Number' }).valueAsNumber),
  fc.constant((s: Scope) => new CfnParameter(s.stack, `P${s.stack.node.children.length}`).valueAsString),
  fc.constant((s: Scope) => Token.asList(new CfnParameter(s.stack, `P${s.stack.node.children.length}`, { type: 'CommaDelimitedList' }).valueAsList)),
);

const v = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<Value> => arb.map((x) => () => x);

/** Per prop: a valid value most of the time, a hostile one otherwise, or the prop left out. */
function props(spec: Record<string, fc.Arbitrary<Value>>): fc.Arbitrary<Record<string, Value>> {
  const entries = Object.entries(spec).map(([k, valid]) => [k, fc.option(fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: hostile, weight: 1 }), { nil: undefined })] as const);
  return fc.record(Object.fromEntries(entries)) as fc.Arbitrary<Record<string, Value>>;
}

const cidr = v(fc.constantFrom('10.0.0.0/16', '10.1.0.0/20', '172.16.0.0/24', '192.168.0.0/28', '10.0.0.0/8'));
const emails = v(fc.array(fc.constantFrom('a@example.com', 'sec@example.org', 'bad@', 'x@y'), { maxLength: 3 }));
const retention = v(fc.constantFrom(logs.RetentionDays.ONE_YEAR, logs.RetentionDays.TEN_YEARS, logs.RetentionDays.ONE_WEEK, 400 as logs.RetentionDays));
const removal = v(fc.constantFrom(RemovalPolicy.RETAIN, RemovalPolicy.DESTROY, RemovalPolicy.SNAPSHOT));
const key: fc.Arbitrary<Value> = fc.constantFrom(
  (s: Scope) => lib.PlatformKey.of(s.stack).key,
  (s: Scope) => new lib.PlatformKey(s.stack, `K${s.stack.node.children.length}`, { alias: `alias/fuzz/${s.stack.node.children.length}` }).key,
  (s: Scope) => lib.PlatformKey.fromPlatformKeyAttributes(s.stack, `I${s.stack.node.children.length}`, { keyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab' }).key,
);
const vpc: fc.Arbitrary<Value> = fc.constant((s: Scope) => s.vpc);
const models = v(fc.array(fc.constantFrom('amazon.nova-lite-v1:0', 'us.amazon.nova-pro-v1:0', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0', 'eu.amazon.nova-micro-v1:0'), { maxLength: 3 }).map((ids) => ids.map((id) => lib.BedrockModel.parse(id))));
const trust: fc.Arbitrary<Value> = fc.constantFrom(
  () => lib.PersonaTrust.service('lambda.amazonaws.com'),
  () => lib.PersonaTrust.accounts(['210987654321']),
  (s: Scope) => lib.PersonaTrust.saml(iam.SamlProvider.fromSamlProviderArn(s.stack, `Idp${s.stack.node.children.length}`, 'arn:aws:iam::123456789012:saml-provider/Corp')),
);

/** Every public construct, with a valid value for each prop the run varies. */
const CONSTRUCTS: Record<string, { spec: Record<string, fc.Arbitrary<Value>>; build: (s: Scope, p: Record<string, unknown>) => void }> = {
  PlatformKey: {
    spec: { alias: v(fc.constantFrom('alias/a', 'alias/aws/x', 'alias/bedrock/prod')), rotationPeriodDays: v(fc.integer({ min: 60, max: 3000 })), pendingWindowDays: v(fc.integer({ min: 5, max: 32 })), removalPolicy: removal, description: v(fc.string()) },
    build: (s, p) => new lib.PlatformKey(s.stack, 'Subject', p),
  },
  SecureBucket: {
    spec: { encryptionKey: key, accessLogsPrefix: v(fc.constantFrom('logs/', '')), removalPolicy: removal },
    build: (s, p) => new lib.SecureBucket(s.stack, 'Subject', p as never),
  },
  SecureLogGroup: {
    spec: { encryptionKey: key, retention, removalPolicy: removal, logGroupName: v(fc.constantFrom('/app/x', 'bad name*')) },
    build: (s, p) => new lib.SecureLogGroup(s.stack, 'Subject', p as never),
  },
  SecureTopic: { spec: { encryptionKey: key, displayName: v(fc.string({ maxLength: 120 })) }, build: (s, p) => new lib.SecureTopic(s.stack, 'Subject', p as never) },
  PublicPath: {
    spec: { vpcCidr: cidr, maxAzs: v(fc.integer({ min: 0, max: 4 })), natGateways: v(fc.integer({ min: 0, max: 3 })), availabilityZones: v(fc.constantFrom(['us-east-1a'], ['us-east-1a', 'us-east-1b'], ['eu-west-1a'])), flowLogRetention: retention },
    build: (s, p) => new lib.PublicPath(s.stack, 'Subject', p),
  },
  BedrockPrivateLink: {
    spec: {
      features: v(fc.subarray([lib.BedrockFeature.RUNTIME, lib.BedrockFeature.AGENTS_RUNTIME, lib.BedrockFeature.CONTROL_PLANE], { minLength: 0 })),
      vpcCidr: cidr,
      maxAzs: v(fc.integer({ min: 1, max: 3 })),
      models,
      useFipsEndpoints: v(fc.boolean()),
    },
    build: (s, p) => new lib.BedrockPrivateLink(s.stack, 'Subject', p as never),
  },
  DirectConnectPath: {
    spec: {
      vpc,
      onPremisesCidrs: v(fc.array(fc.constantFrom('192.168.0.0/16', '10.0.0.0/16', '172.16.0.0/12'), { maxLength: 3 })),
      directConnectGatewayAsn: v(fc.constantFrom(64512, 64513, 65534, 4200000000, 1)),
      resolverIpAddresses: v(fc.constantFrom(['10.40.0.53', '10.40.1.53'], ['10.40.0.0'], ['10.40.0.53', '10.40.0.53'])),
    },
    build: (s, p) => new lib.DirectConnectPath(s.stack, 'Subject', p as never),
  },
  BedrockEnforcement: {
    spec: {
      requireGuardrail: v(fc.constantFrom({ guardrailArn: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', guardrailVersion: '1' }, { guardrailArn: 'x', guardrailVersion: 'DRAFT' })),
      requirePrivatePath: v(fc.constantFrom({ vpcEndpointIds: ['vpce-0a1b2c3d4e5f60718'] }, { vpcEndpointIds: [] })),
      dataResidency: v(fc.constantFrom({ allowedRegions: ['us-east-1'] }, { allowedRegions: ['xx-fake-9'] }, { allowedRegions: [] })),
    },
    build: (s, p) => new lib.BedrockEnforcement(s.stack, 'Subject', p as never),
  },
  BedrockInvokerRole: {
    spec: { trust, models, maxSessionDuration: v(fc.constantFrom(Duration.hours(1), Duration.hours(13), Duration.minutes(30))), roleName: v(fc.constantFrom('app-invoker', 'bad name!')) },
    build: (s, p) => new lib.BedrockInvokerRole(s.stack, 'Subject', p as never),
  },
  BedrockAuditorRole: {
    spec: { trust, trailArns: v(fc.constantFrom(['arn:aws:cloudtrail:us-east-1:123456789012:trail/t'], ['not-an-arn'])), allowPromptPayloads: v(fc.boolean()) },
    build: (s, p) => new lib.BedrockAuditorRole(s.stack, 'Subject', p as never),
  },
  AlertTopic: { spec: { alertEmails: emails, displayName: v(fc.string({ maxLength: 20 })) }, build: (s, p) => new lib.AlertTopic(s.stack, 'Subject', p) },
  BedrockAuditTrail: {
    spec: { alertEmails: emails, multiRegion: v(fc.boolean()), createTrail: v(fc.boolean()), highRiskAlerts: v(fc.boolean()), logRetention: retention, removalPolicy: removal, encryptionKey: key },
    build: (s, p) => new lib.BedrockAuditTrail(s.stack, 'Subject', p),
  },
  ModelInvocationLogging: {
    spec: { alertEmails: emails, cloudWatchLogs: v(fc.boolean()), s3: v(fc.boolean()), logRetention: retention, reservedConcurrentExecutions: v(fc.integer({ min: -1, max: 3 })), s3KeyPrefix: v(fc.constantFrom('logs/', '/bad', '')) },
    build: (s, p) => new lib.ModelInvocationLogging(s.stack, 'Subject', p),
  },
};

/** The library's own error, thrown at construction or reported by a validation at synth. */
function isLibraryError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (e.name === 'PlatformValidationError') return true;
  // node.addValidation messages surface in CDK's "Validation failed with the following errors:".
  const lines = e.message.split('\n').filter((l) => /^\s*\[/.test(l));
  return /Validation failed with the following errors/.test(e.message) && lines.length > 0 && lines.every((l) => /: invalid \S+/.test(l));
}

describe.each(Object.keys(CONSTRUCTS))('%s under hostile props', (name) => {
  test('succeeds deployable, or fails with the library validation error', () => {
    const { spec, build } = CONSTRUCTS[name];
    fc.assert(
      fc.property(props(spec), (values) => {
        const app = new App({ context: CONTEXT });
        const stack = new Stack(app, 'Fuzz', { env: ENV });
        const scope: Scope = {
          stack,
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Existing', {
            vpcId: 'vpc-0123456789abcdef0',
            vpcCidrBlock: '10.40.0.0/16',
            availabilityZones: ['us-east-1a', 'us-east-1b'],
            privateSubnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0b1b2c3d4e5f60718'],
            privateSubnetIpv4CidrBlocks: ['10.40.0.0/24', '10.40.1.0/24'],
            privateSubnetRouteTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0b1b2c3d4e5f60718'],
          }),
        };
        const resolved = Object.fromEntries(Object.entries(values).filter(([, f]) => f !== undefined).map(([k, f]) => [k, f!(scope)]));
        try {
          build(scope, resolved);
          const assembly = app.synth();
          for (const s of assembly.stacks) expect(deployProblems(s.template)).toEqual([]);
        } catch (e) {
          if (!isLibraryError(e)) throw new Error(`${name}(${JSON.stringify(resolved, (_k, x) => (x instanceof Construct ? `<${x.node.path}>` : x))}) threw ${(e as Error).stack?.split('\n').slice(0, 6).join('\n')}`, { cause: e });
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});

