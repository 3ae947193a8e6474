import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The runnable example (examples/audit), as `npm test` synthesized it with the pinned CLI and every pack.
const synth = loadAssembly('examples/audit/app.ts');

describe('examples/audit', () => {
  test('synthesizes both stacks with zero unacknowledged findings', () => {
    expect(Object.keys(synth.json).sort()).toEqual(['BedrockAudit', 'BedrockAuditAlertsOnly']);
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
  });

  test('the primary Region has the trail, the invocation logging and one alert topic for both', () => {
    const primary = synth.template('BedrockAudit');
    primary.resourceCountIs('AWS::CloudTrail::Trail', 1);
    primary.resourceCountIs('Custom::BedrockModelInvocationLogging', 1);
    primary.resourceCountIs('AWS::SNS::Topic', 1);
    // Three access-log targets would be two too many: the example shares one.
    const accessLogTargets = new Set(
      Object.values(synth.json.BedrockAudit.Resources as Record<string, any>)
        .filter((r) => r.Type === 'AWS::S3::Bucket' && r.Properties.LoggingConfiguration)
        .map((r) => JSON.stringify(r.Properties.LoggingConfiguration.DestinationBucketName)),
    );
    expect(accessLogTargets.size).toBe(1);
  });

  test('the kept trail is named after the stack instance, so destroy and deploy again works', () => {
    const [trail] = Object.values(synth.json.BedrockAudit.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::CloudTrail::Trail');
    expect(trail.DeletionPolicy).toBe('Retain');
    expect(JSON.stringify(trail.Properties.TrailName)).toContain('{"Ref":"AWS::StackId"}');
    expect(synth.deployProblems).toEqual([]);
  });

  test('both Regions alert when invocation logging is changed or switched off', () => {
    for (const stack of ['BedrockAudit', 'BedrockAuditAlertsOnly']) {
      const names = Object.values(synth.json[stack].Resources as Record<string, any>)
        .filter((r) => r.Type === 'AWS::Events::Rule')
        .flatMap((r) => r.Properties.EventPattern.detail.eventName);
      expect(names).toEqual(expect.arrayContaining(['PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration']));
    }
  });

  test('the second Region has only the alerts', () => {
    const second = synth.template('BedrockAuditAlertsOnly');
    second.resourceCountIs('AWS::CloudTrail::Trail', 0);
    second.resourceCountIs('AWS::Events::Rule', 5);
  });
});
