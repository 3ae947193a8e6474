import {
  clientRequestToken,
  completion,
  createRequest,
  desiredThroughput,
  generatedName,
  MAX_NAME_LENGTH,
  MAX_TOKEN_LENGTH,
  NAME_PATTERN,
  planDelete,
  planUpdate,
  sameModel,
  ThroughputState,
  TOKEN_PATTERN,
} from '../../../lambda/provisioned-throughput/logic';

const EVENT = { StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/Platform-Prod/guid', LogicalResourceId: 'NovaThroughput1A2B3C4D', RequestId: 'req-1' };
const ARN = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456';
const NOVA_ARN = 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:24k';
const props = (extra: Record<string, unknown> = {}) => ({ ModelId: 'amazon.nova-lite-v1:0:24k', ModelUnits: '1', ...extra });
const state = (extra: Partial<ThroughputState> = {}): ThroughputState => ({ arn: ARN, name: 'nova', status: 'InService', modelArn: NOVA_ARN, desiredModelArn: NOVA_ARN, modelUnits: 1, desiredModelUnits: 1, ...extra });

describe('properties', () => {
  test('CloudFormation strings become typed values; commitment and name absent mean none', () => {
    expect(desiredThroughput(props())).toEqual({ modelId: 'amazon.nova-lite-v1:0:24k', modelUnits: 1, commitment: undefined, name: undefined, tags: {} });
    expect(desiredThroughput(props({ CommitmentDuration: 'SixMonths', ProvisionedModelName: 'nova_1', Tags: { team: 'ml' } }))).toMatchObject({ commitment: 'SixMonths', name: 'nova_1', tags: { team: 'ml' } });
  });
  test.each([
    [{ ModelId: undefined }, /ModelId/],
    [{ ModelUnits: '0' }, /ModelUnits/],
    [{ ModelUnits: '1.5' }, /ModelUnits/],
    [{ CommitmentDuration: 'OneYear' }, /CommitmentDuration/],
    [{ ProvisionedModelName: 'a--b' }, /ProvisionedModelName/],
    [{ Tags: { 'a,b': 'c' } }, /tag key/],
  ])('refuses %p', (extra, message) => {
    expect(() => desiredThroughput(props(extra))).toThrow(message);
  });
});

describe('token and name', () => {
  test('the client request token: the same for the same request, different for another; fits the API pattern', () => {
    const token = clientRequestToken(EVENT);
    expect(token).toBe(clientRequestToken({ ...EVENT }));
    expect(token).not.toBe(clientRequestToken({ ...EVENT, RequestId: 'req-2' }));
    expect(token).toMatch(TOKEN_PATTERN);
    expect(token.length).toBeLessThanOrEqual(MAX_TOKEN_LENGTH);
  });
  test('generated names: stack and logical id, a request suffix, valid for Bedrock even from long or odd stack names', () => {
    expect(generatedName(EVENT)).toMatch(/^Platform-Prod-NovaThroughput1A2B3C4D-[0-9a-f]{12}$/);
    const long = generatedName({ ...EVENT, StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${'x-'.repeat(60)}y/guid` });
    expect(long.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
    expect(long).toMatch(NAME_PATTERN);
    expect(generatedName({ ...EVENT, RequestId: 'req-2' })).not.toBe(generatedName(EVENT));
  });
  test('the Create request: commitment omitted for none, tags as a list, the token and name', () => {
    expect(createRequest(desiredThroughput(props()), EVENT)).toEqual({ clientRequestToken: clientRequestToken(EVENT), modelUnits: 1, provisionedModelName: generatedName(EVENT), modelId: 'amazon.nova-lite-v1:0:24k' });
    expect(createRequest(desiredThroughput(props({ CommitmentDuration: 'OneMonth', ProvisionedModelName: 'nova', Tags: { team: 'ml' } })), EVENT)).toMatchObject({
      commitmentDuration: 'OneMonth',
      provisionedModelName: 'nova',
      tags: [{ key: 'team', value: 'ml' }],
    });
  });
  test('sameModel: an ARN equals itself, a foundation-model ARN equals its ID', () => {
    expect(sameModel(NOVA_ARN, 'amazon.nova-lite-v1:0:24k')).toBe(true);
    expect(sameModel(NOVA_ARN, 'amazon.nova-lite-v1:0')).toBe(false);
    expect(sameModel(undefined, 'x')).toBe(false);
  });
});

describe('Update: every transition', () => {
  const desired = (extra: Record<string, unknown> = {}) => desiredThroughput(props(extra));
  test('nothing changed: none', () => expect(planUpdate(state(), desired(), desired())).toEqual({ action: 'none' }));
  test.each([
    ['model', { ModelId: 'amazon.nova-pro-v1:0:24k' }, /model/],
    ['model units', { ModelUnits: '2' }, /model units 1 -> 2/],
    ['commitment', { CommitmentDuration: 'OneMonth' }, /commitment none -> OneMonth/],
  ])('a change of %s replaces', (_what, extra, why) => {
    const plan = planUpdate(state(), desired(extra), desired());
    expect(plan.action).toBe('replace');
    expect((plan as { why: string }).why).toMatch(why);
  });
  test('a replacement with the same fixed name is refused before anything is bought', () => {
    const plan = planUpdate(state(), desired({ ModelUnits: '2', ProvisionedModelName: 'nova' }), desired({ ProvisionedModelName: 'nova' }));
    expect(plan).toEqual({ action: 'refuse', reason: expect.stringMatching(/names are unique.*Nothing was changed/) });
  });
  test('a replacement with a new name goes ahead', () => {
    expect(planUpdate(state(), desired({ ModelUnits: '2', ProvisionedModelName: 'nova-2' }), desired({ ProvisionedModelName: 'nova' })).action).toBe('replace');
  });
  test('a rename is in place', () => {
    expect(planUpdate(state(), desired({ ProvisionedModelName: 'nova-prod' }), desired())).toEqual({ action: 'update', rename: 'nova-prod', tagsToSet: {}, tagKeysToRemove: [] });
  });
  test('tag changes are in place: set new and changed, remove dropped', () => {
    expect(planUpdate(state(), desired({ Tags: { team: 'ml', env: 'prod' } }), desired({ Tags: { team: 'ai', cost: 'x' } }))).toEqual({
      action: 'update',
      rename: undefined,
      tagsToSet: { team: 'ml', env: 'prod' },
      tagKeysToRemove: ['cost'],
    });
  });
  test('a rollback to properties the throughput still has buys nothing (compared with what exists, not with the old properties)', () => {
    expect(planUpdate(state(), desired(), desired({ ModelUnits: '5' }))).toEqual({ action: 'none' });
  });
  test('a throughput deleted outside CloudFormation is bought again', () => {
    expect(planUpdate(undefined, desired(), desired()).action).toBe('replace');
  });
});

describe('Delete', () => {
  const NOW = Date.parse('2026-12-01T00:00:00Z');
  test('gone: nothing to do', () => expect(planDelete(undefined, NOW).action).toBe('none'));
  test('no commitment: delete', () => expect(planDelete(state(), NOW).action).toBe('delete'));
  test('committed, in its term: retained, and the note says until when and that it bills', () => {
    const plan = planDelete(state({ commitment: 'OneMonth', commitmentExpiresAt: NOW + 86_400_000 }), NOW);
    expect(plan).toEqual({ action: 'retain', note: expect.stringMatching(/cannot be deleted before 2026-12-02T00:00:00.000Z: RETAINED, and it bills until then/) });
  });
  test('committed, term over: delete', () => expect(planDelete(state({ commitment: 'OneMonth', commitmentExpiresAt: NOW - 1 }), NOW).action).toBe('delete'));
  test('committed but Failed: delete (nothing left that might bill)', () => expect(planDelete(state({ commitment: 'SixMonths', status: 'Failed' }), NOW).action).toBe('delete'));
  test('committed, expiry not known yet: retained', () => expect(planDelete(state({ commitment: 'SixMonths', status: 'Creating' }), NOW).action).toBe('retain'));
});

describe('isComplete: status to answer', () => {
  test('InService completes with the attributes', () => {
    expect(completion('create', state({ foundationModelArn: NOVA_ARN }))).toEqual({
      kind: 'complete',
      data: { ProvisionedModelArn: ARN, ProvisionedModelName: 'nova', ModelArn: NOVA_ARN, FoundationModelArn: NOVA_ARN },
    });
  });
  test.each(['Creating', 'Updating', 'SomethingNew'])('%s waits', (status) => expect(completion('create', state({ status })).kind).toBe('wait'));
  test('Failed after a purchase: fail with the service\'s message, and clean up', () => {
    expect(completion('create', state({ status: 'Failed', failureMessage: 'Insufficient capacity for amazon.nova-lite-v1:0:24k' }))).toEqual({
      kind: 'fail',
      reason: `Provisioned throughput ${ARN} ended Failed: Insufficient capacity for amazon.nova-lite-v1:0:24k`,
      cleanUp: true,
    });
  });
  test('Failed after a rename: fail, but leave the throughput', () => expect(completion('update', state({ status: 'Failed' }))).toMatchObject({ kind: 'fail', cleanUp: false }));
  test('a rename completes only once the new name shows', () => {
    expect(completion('update', state(), 'nova-prod').kind).toBe('wait');
    expect(completion('update', state({ name: 'nova-prod' }), 'nova-prod').kind).toBe('complete');
  });
  test('gone while waiting for a purchase: fail', () => expect(completion('create', undefined).kind).toBe('fail'));
  test('delete completes when gone, waits while it is there', () => {
    expect(completion('delete', undefined)).toEqual({ kind: 'complete' });
    expect(completion('delete', state()).kind).toBe('wait');
  });
  test('retain and none complete at once', () => {
    expect(completion('retain', state())).toEqual({ kind: 'complete' });
    expect(completion('none', undefined)).toEqual({ kind: 'complete' });
  });
});
