import { IPolicyValidationPluginBeta1, Stack, Validations } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { PLUGIN_FAILED_RULE, summarizeValidationReport } from '../../lib/compliance/report';
import { synthesize } from '../kit/synth';

// A plugin that throws is recorded by CDK as a failure with an error and no violations, and synth
// goes on: without this, its rules would silently not have run and the summary would say 0 findings.
const broken: IPolicyValidationPluginBeta1 = {
  name: 'Broken',
  validate: () => {
    throw new Error('cannot parse what the rule engine printed');
  },
};

test('a validation plugin that threw is a finding naming the plugin and its error', () => {
  const synth = synthesize(
    (app) => {
      new sns.Topic(new Stack(app, 'S', { env: { account: '123456789012', region: 'us-east-1' } }), 'T', { enforceSSL: true });
      Validations.of(app).addPlugins(broken);
    },
    { nag: false },
  );
  expect(synth.compliance.findings).toEqual([{ pack: 'Broken', rule: PLUGIN_FAILED_RULE, path: '/', description: expect.stringContaining('cannot parse what the rule engine printed') }]);
});

test('a plugin that ran, clean or not, is not a failure', () => {
  const summary = summarizeValidationReport({
    pluginReports: [
      { pluginName: 'Clean', violations: [] },
      { pluginName: 'Strict', violations: [{ ruleName: 'R1', description: 'd', violatingConstructs: [{ constructPath: 'S/T/Resource' }] }] },
    ],
  });
  expect(summary.findings).toEqual([{ pack: 'Strict', rule: 'R1', path: 'S/T/Resource', description: 'd' }]);
});
