import * as fs from 'fs';
import * as path from 'path';
import { deployProblems } from '../../lib/compliance';
import { templatesOf } from '../../examples/multi-account-pipeline/check-deploy';
import { BASELINE_TARGETS, WORKLOADS } from '../../examples/multi-account-pipeline/stack';
import { expectAcknowledgementsJustified, expectNoFindings } from '../kit/nag';
import { loadAssembly } from '../kit/synth';

// The assembly npm test's synth stage made of the example (or made here when stale).
const synth = loadAssembly('examples/multi-account-pipeline/app.ts');
const pipelineStack = synth.json.BedrockRolloutPipeline;
const ofType = (template: any, type: string) => Object.entries(template.Resources as Record<string, any>).filter(([, r]) => r.Type === type);
const pipeline = ofType(pipelineStack, 'AWS::CodePipeline::Pipeline')[0][1].Properties;
const stage = (name: string) => pipeline.Stages.find((s: any) => s.Name === name);
const actionNames = (name: string) => stage(name).Actions.map((a: any) => a.Name as string);
const projects = ofType(pipelineStack, 'AWS::CodeBuild::Project').map(([, r]) => r.Properties);
const buildspec = (p: any) => String(p.Source.BuildSpec);

describe('the multi-account pipeline example', () => {
  test('passes every compliance pack, with justified acknowledgements, and every template (nested stages too) passes the pre-deploy checks', () => {
    expectNoFindings(synth);
    expectAcknowledgementsJustified(synth);
    const files = templatesOf(synth.assemblyDir);
    // pipeline stack, cross-Region support stack, 4 baseline stages, 2 platform stages
    expect(files).toHaveLength(2 + BASELINE_TARGETS.length + WORKLOADS.length);
    for (const f of files) expect({ f: path.basename(f), problems: deployProblems(JSON.parse(fs.readFileSync(f, 'utf8'))) }).toEqual({ f: path.basename(f), problems: [] });
  });

  test('stages in order: source, synth (the compliance gate), self-mutation, assets, the baseline wave, then the platform wave', () => {
    expect(pipeline.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'Baseline', 'Workloads']);
    expect(stage('Source').Actions[0].ActionTypeId.Provider).toBe('CodeStarSourceConnection');
  });

  test('the baseline wave deploys to every account and Region after the pre-deploy checks; the platform wave to the workload accounts after an approval', () => {
    const baseline = stage('Baseline').Actions;
    expect(baseline.find((a: any) => a.Name === 'DeployChecks').RunOrder).toBe(1);
    for (const env of BASELINE_TARGETS) {
      const deploy = baseline.find((a: any) => a.Name === `Baseline-${env.account}-${env.region}.PlatformBaseline.Deploy`);
      expect(deploy.RunOrder).toBeGreaterThan(1);
      expect(deploy.Region ?? 'us-east-1').toBe(env.region);
      expect(JSON.stringify(deploy.RoleArn)).toContain(`:iam::${env.account}:role/cdk-hnb659fds-deploy-role-${env.account}-${env.region}`);
    }
    expect(actionNames('Workloads')[0]).toBe('PromoteToWorkloads');
    expect(stage('Workloads').Actions[0].ActionTypeId.Category).toBe('Approval');
    for (const env of WORKLOADS) expect(actionNames('Workloads')).toContain(`Platform-${env.account}-${env.region}.BedrockPlatform.Deploy`);
  });

  test('the gate steps: synth runs the app (whose compliance packs fail the build on a finding), then the deploy checks run over its cdk.out', () => {
    const synthProject = projects.find((p) => buildspec(p).includes('npx cdk synth'));
    expect(buildspec(synthProject)).toContain('cd examples/multi-account-pipeline && npx cdk synth');
    const checks = projects.find((p) => buildspec(p).includes('check-deploy.ts'));
    expect(buildspec(checks)).toContain('npx tsx examples/multi-account-pipeline/check-deploy.ts examples/multi-account-pipeline/cdk.out');
    expect(fs.readFileSync(path.resolve(__dirname, '../../examples/multi-account-pipeline/app.ts'), 'utf8')).toMatch(/addCompliancePacks\(app\)/);
  });

  test('pipeline internals: KMS-encrypted artifacts and projects, no privileged builds, build logs kept', () => {
    const key = ofType(pipelineStack, 'AWS::KMS::Key').find(([id]) => id.startsWith('ArtifactKey'))!;
    expect(key[1].Properties.EnableKeyRotation).toBe(true);
    const home = pipeline.ArtifactStores.find((s: any) => s.Region === 'us-east-1').ArtifactStore;
    expect(home.EncryptionKey).toEqual({ Id: { 'Fn::GetAtt': [key[0], 'Arn'] }, Type: 'KMS' });
    expect(projects.length).toBeGreaterThanOrEqual(4);
    for (const p of projects) {
      expect(p.EncryptionKey).toEqual({ 'Fn::GetAtt': [key[0], 'Arn'] });
      expect(p.Environment.PrivilegedMode).toBe(false);
      expect(p.LogsConfig.CloudWatchLogs.Status).toBe('ENABLED');
    }
  });

  test('invocation logging has one owner per account and Region: the platform where it runs, the baseline elsewhere', () => {
    const nested = (name: string) => {
      const file = templatesOf(synth.assemblyDir).find((f) => f.includes(`assembly-BedrockRolloutPipeline-${name}`))!;
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    };
    const logging = (t: any) => ofType(t, 'Custom::BedrockModelInvocationLogging').length;
    for (const env of BASELINE_TARGETS) {
      const workload = WORKLOADS.some((w) => w.account === env.account && w.region === env.region);
      expect({ env, baseline: logging(nested(`Baseline-${env.account}-${env.region}`)) > 0 }).toEqual({ env, baseline: !workload });
    }
    for (const env of WORKLOADS) expect(logging(nested(`Platform-${env.account}-${env.region}`))).toBeGreaterThan(0);
  });
});
