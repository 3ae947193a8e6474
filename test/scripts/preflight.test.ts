import { BedrockClient, GetFoundationModelAvailabilityCommand, GetFoundationModelCommand, GetInferenceProfileCommand, ListFoundationModelAgreementOffersCommand, ThrottlingException } from '@aws-sdk/client-bedrock';
import { mockClient } from 'aws-sdk-client-mock';
import { main, parseArgs, USAGE } from '../../scripts/preflight';

// In process, offline: the command's main with the real SDK client, its transport replaced by
// aws-sdk-client-mock, and a virtual clock.

const REGION = 'eu-west-1';
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const NOVA = 'amazon.nova-lite-v1:0';
const client = new BedrockClient({ region: REGION, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
const bedrock = mockClient(client);
const READY = { regionAvailability: 'AVAILABLE', authorizationStatus: 'AUTHORIZED', entitlementAvailability: 'AVAILABLE', agreementAvailability: { status: 'AVAILABLE' } } as const;

let out: string[] = [];
let err: string[] = [];
let regions: string[] = [];
let now = 0;
const deps = {
  bedrock: (region: string) => (regions.push(region), client),
  out: (t: string) => out.push(t),
  err: (t: string) => err.push(t),
  clock: { now: () => now, sleep: async (ms: number) => void (now += ms), random: () => 0.5 },
};
beforeEach(() => {
  bedrock.reset();
  out = [];
  err = [];
  regions = [];
  now = 0;
  bedrock.on(GetFoundationModelCommand).resolves({ modelDetails: { modelArn: 'arn', modelId: NOVA, inferenceTypesSupported: ['ON_DEMAND'] } });
  bedrock.on(GetInferenceProfileCommand).resolves({ status: 'ACTIVE', models: [] } as any);
  bedrock.on(GetFoundationModelAvailabilityCommand).resolves({ modelId: NOVA, ...READY });
});

describe('arguments', () => {
  test('region, models (comma-separated, trimmed, deduplicated, classified), --json; = forms too', () => {
    expect(parseArgs(['--region', REGION, '--models', ` ${NOVA}, eu.${CLAUDE},,${NOVA}`, '--json'])).toEqual({
      region: REGION,
      json: true,
      models: [
        { kind: 'foundation-model', id: NOVA },
        { kind: 'inference-profile', id: `eu.${CLAUDE}` },
      ],
    });
    expect(parseArgs([`--region=${REGION}`, '--models=arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123'])).toEqual({
      region: REGION,
      json: false,
      models: [{ kind: 'application-inference-profile', id: 'arn:aws:bedrock:eu-west-1:123456789012:application-inference-profile/abc123' }],
    });
    expect(parseArgs(['--models', `arn:aws:bedrock:us-east-1::foundation-model/${NOVA}`, '--region', REGION])).toMatchObject({ models: [{ kind: 'foundation-model', region: 'us-east-1' }] });
    expect(parseArgs(['--help'])).toBe('help');
  });

  test.each([
    [[], '--region is required'],
    [['--region', 'Ireland', '--models', NOVA], '--region "Ireland" is not a Region code such as eu-west-1'],
    [['--region', REGION], '--models needs at least one model ID or ARN, comma-separated'],
    [['--region', REGION, '--models'], '--models needs a value'],
    [['--region', '--models', NOVA], '--region needs a value'],
    [['--region', REGION, '--models', NOVA, '--profile', 'x'], 'unknown argument "--profile"'],
    [['--region', REGION, '--models', 'anthropic.claude-*'], '"anthropic.claude-*" is not a model'],
    [['--region', REGION, '--models', 'arn:aws:s3:::bucket'], '"arn:aws:s3:::bucket" is not a model'],
  ])('%j: exit 2, the reason and the usage on stderr, no call', async (argv, message) => {
    expect(await main(argv as string[], deps)).toBe(2);
    expect(err.join('\n')).toContain(`preflight: ${message}`);
    expect(err.join('\n')).toContain(USAGE);
    expect(out).toEqual([]);
    expect(bedrock.calls()).toHaveLength(0);
  });
});

describe('output', () => {
  test('all ready: the report on stdout, exit 0, a client of the Region asked', async () => {
    expect(await main(['--region', REGION, '--models', NOVA], deps)).toBe(0);
    expect(out).toEqual([[`Bedrock model access in ${REGION}: 1 of 1 model(s) ready`, `  ok       ${NOVA} (foundation model)`].join('\n')]);
    expect(regions).toEqual([REGION]);
    expect(err).toEqual([]);
  });

  test('something missing: each finding with its fix, exit 1', async () => {
    bedrock.on(GetFoundationModelAvailabilityCommand, { modelId: CLAUDE }).resolves({ modelId: CLAUDE, ...READY, agreementAvailability: { status: 'NOT_AVAILABLE' } });
    bedrock.on(ListFoundationModelAgreementOffersCommand).resolves({ modelId: CLAUDE, offers: [] });
    expect(await main(['--region', REGION, '--models', `${NOVA},eu.${CLAUDE}`], deps)).toBe(1);
    const lines = out.join('\n').split('\n');
    expect(lines.slice(0, 4)).toEqual([
      `Bedrock model access in ${REGION}: 1 of 2 model(s) ready, 1 with missing access`,
      `  ok       ${NOVA} (foundation model)`,
      `  MISSING  eu.${CLAUDE} (cross-Region inference profile)`,
      `           - missing [agreement] no accepted agreement for ${CLAUDE} in ${REGION} (agreementAvailability NOT_AVAILABLE). Bedrock lists no offer for ${CLAUDE} in ${REGION}: it cannot be subscribed to here.`,
    ]);
    expect(lines[4]).toMatch(/^ {13}fix: accept the offer in the Bedrock console/);
    expect(lines).toHaveLength(5);
  });

  test('--json: the report as JSON, same exit code', async () => {
    expect(await main(['--region', REGION, '--models', NOVA, '--json'], deps)).toBe(0);
    expect(JSON.parse(out[0])).toEqual({ region: REGION, ok: true, models: [{ model: NOVA, kind: 'foundation-model', status: 'ok', findings: [] }] });
  });

  test('throttling is retried; a check that cannot complete exits 2 with the reason', async () => {
    bedrock
      .on(GetFoundationModelCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .resolves({ modelDetails: { modelArn: 'arn', modelId: NOVA, inferenceTypesSupported: ['ON_DEMAND'] } });
    expect(await main(['--region', REGION, '--models', NOVA], deps)).toBe(0);
    expect(err).toEqual(['preflight: GetFoundationModel failed, retrying (ThrottlingException)']);
    expect(now).toBe(375); // one backoff, on the virtual clock
    err = [];
    out = [];
    bedrock.on(GetFoundationModelCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    expect(await main(['--region', REGION, '--models', NOVA], deps)).toBe(2);
    expect(err[err.length - 1]).toBe('preflight: the check could not complete: ThrottlingException: Rate exceeded');
    expect(out).toEqual([]);
  });
});
