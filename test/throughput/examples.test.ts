import { expectAcknowledgementsJustified, expectNoFindings, withoutCdkOwnAcknowledgements } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The provisioned-throughput example app, as `npm test` synthesized it with the pinned CLI.
const synth = loadAssembly('examples/provisioned-throughput/app.ts');
const template = () => synth.json.BedrockProvisionedThroughput;
const ofType = (type: string) => Object.values(template().Resources as Record<string, any>).filter((r) => r.Type === type);

describe('provisioned-throughput example', () => {
  test('passes every compliance pack', () => {
    expect(Object.keys(synth.json)).toEqual(['BedrockProvisionedThroughput']);
    expectNoFindings(synth);
    expectAcknowledgementsJustified(withoutCdkOwnAcknowledgements(synth));
  });

  test('a fixed no-commitment throughput, a scaled pool with business-hours floors, and the pool parameter as an output', () => {
    const fixed = ofType('Custom::BedrockProvisionedThroughput');
    expect(fixed.map((r) => [r.Properties.ModelId, r.Properties.ModelUnits, r.Properties.CommitmentDuration])).toEqual([['amazon.nova-lite-v1:0:24k', 1, undefined]]);
    const schedules = ofType('AWS::Scheduler::Schedule').map((s) => [s.Properties.ScheduleExpression, s.Properties.ScheduleExpressionTimezone ?? null]);
    expect(schedules).toEqual([['rate(1 minute)', null], ['cron(0 8 ? * MON-FRI *)', 'America/New_York'], ['cron(0 18 ? * MON-FRI *)', 'America/New_York']]);
    expect(ofType('AWS::Lambda::Function').filter((f) => f.Properties.ReservedConcurrentExecutions === 1)).toHaveLength(1);
    expect(Object.keys(template().Outputs)).toContain('PoolParameterName');
  });

  test('the scaler\'s calls go to the information rule, not the high-risk alert', () => {
    const rules = ofType('AWS::Events::Rule').map((r) => r.Properties.Description as string);
    expect(rules).toEqual(expect.arrayContaining([expect.stringMatching(/^Information: CreateProvisionedModelThroughput, DeleteProvisionedModelThroughput by exempted automation roles/)]));
  });
});
