import { DefaultStackSynthesizer, Environment, RemovalPolicy, Stack, StackProps, Stage, StageProps, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct, IConstruct } from 'constructs';
import { AccessLogsBucket, BedrockPlatform, PlatformBaselineStack, PlatformKey, SecureBucket, SecureLogGroup } from '../../lib';

/** Where the example deploys: placeholder accounts (replace with yours; each bootstrapped with `cdk bootstrap --trust <tooling account>`). */
export const TOOLING: Required<Environment> = { account: '111111111111', region: 'us-east-1' };
/** Every account and Region that gets the account-wide baseline. */
export const BASELINE_TARGETS: Array<Required<Environment>> = [
  { account: '222222222222', region: 'us-east-1' },
  { account: '222222222222', region: 'eu-west-1' },
  { account: '333333333333', region: 'us-east-1' },
  { account: '333333333333', region: 'eu-west-1' },
];
/** Workload accounts (and their Region) that run the platform itself. */
export const WORKLOADS: Array<Required<Environment>> = [
  { account: '222222222222', region: 'us-east-1' },
  { account: '333333333333', region: 'eu-west-1' },
];
/** Placeholder CodeConnections connection to the repository (create it in the tooling account, then put its ARN here). */
export const CONNECTION_ARN = 'arn:aws:codeconnections:us-east-1:111111111111:connection/00000000-0000-0000-0000-000000000000';
const EXAMPLE_DIR = 'examples/multi-account-pipeline';

const stageId = (env: Required<Environment>) => `${env.account}-${env.region}`;
const isWorkload = (env: Required<Environment>) => WORKLOADS.some((w) => w.account === env.account && w.region === env.region);

/** The account-wide baseline of one account and Region, deployed as an ordinary stack (the account is bootstrapped). */
export class BaselineStage extends Stage {
  public readonly baseline: PlatformBaselineStack;
  constructor(scope: Construct, id: string, props: StageProps & { env: Required<Environment> }) {
    super(scope, id, props);
    this.baseline = new PlatformBaselineStack(this, 'PlatformBaseline', {
      env: props.env,
      // A pipeline deploys into bootstrapped accounts: assets (the invocation-logging handler) go to each account's bootstrap bucket.
      synthesizer: new DefaultStackSynthesizer(),
      alertEmails: ['security@example.com'],
      // Invocation logging is one setting per account and Region, with exactly one owner: the platform
      // where it runs (its handler then runs in the private subnets), the baseline everywhere else.
      invocationLogging: isWorkload(props.env) ? undefined : {},
      budget: { amount: 1000 },
      homeRegion: 'us-east-1',
    });
  }
}

/** The platform (network path, personas, monitoring) in a workload account; the baseline owns the account-wide parts. */
export class WorkloadStage extends Stage {
  public readonly platform: BedrockPlatform;
  constructor(scope: Construct, id: string, props: StageProps & { env: Required<Environment> }) {
    super(scope, id, props);
    const stack = new Stack(this, 'BedrockPlatform', { env: props.env });
    this.platform = new BedrockPlatform(stack, 'Platform', {
      alertEmails: ['security@example.com'],
      // The baseline stage already records the account (trail); the platform owns invocation logging here.
      audit: false,
    });
  }
}

/**
 * The pipeline, in the tooling account: source from a CodeConnections repository, synth (the
 * compliance packs run inside `cdk synth`: a finding fails the step, so nothing deploys), then the
 * pre-deploy checks, the baseline wave (every account and Region in parallel), a manual approval,
 * and the platform wave in the workload accounts.
 */
export class MultiAccountPipelineStack extends Stack {
  public readonly pipeline: CodePipeline;
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { env: TOOLING, ...props });
    const source = CodePipelineSource.connection('example-org/bedrock-secure-platform', 'main', { connectionArn: CONNECTION_ARN });

    // Artifacts leave this account (the deploy roles of the target accounts read them): a customer key with rotation.
    const artifactKey = new kms.Key(this, 'ArtifactKey', { enableKeyRotation: true, description: 'Pipeline artifacts of the multi-account Bedrock rollout' });
    artifactKey.addToResourcePolicy(PlatformKey.grantRestrictionStatement());
    const artifacts = new SecureBucket(this, 'Artifacts', { encryptionKey: artifactKey });
    const buildLogs = new SecureLogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR });

    const synth = new ShellStep('Synth', {
      input: source,
      installCommands: ['npm ci'],
      // The app calls addCompliancePacks: any cdk-nag or Control Tower finding fails this step (the gate).
      commands: ['npm run build:lambdas', `cd ${EXAMPLE_DIR} && npx cdk synth`],
      primaryOutputDirectory: `${EXAMPLE_DIR}/cdk.out`,
    });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      synth,
      crossAccountKeys: true,
      enableKeyRotation: true,
      artifactBucket: artifacts.bucket,
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL, privileged: false },
        logging: { cloudWatch: { logGroup: buildLogs } },
      },
    });

    // The pre-deploy checks (duplicate Sids, retained literal names, competing resource policies...)
    // over the synthesized assembly, before anything deploys.
    const deployChecks = new ShellStep('DeployChecks', {
      input: source,
      additionalInputs: { [`${EXAMPLE_DIR}/cdk.out`]: synth },
      installCommands: ['npm ci'],
      commands: [`npx tsx ${EXAMPLE_DIR}/check-deploy.ts ${EXAMPLE_DIR}/cdk.out`],
    });
    const baseline = this.pipeline.addWave('Baseline', { pre: [deployChecks] });
    for (const env of BASELINE_TARGETS) baseline.addStage(new BaselineStage(this, `Baseline-${stageId(env)}`, { env }));
    const workloads = this.pipeline.addWave('Workloads', { pre: [new ManualApprovalStep('PromoteToWorkloads', { comment: 'The baseline is deployed everywhere: deploy the platform to the workload accounts?' })] });
    for (const env of WORKLOADS) workloads.addStage(new WorkloadStage(this, `Platform-${stageId(env)}`, { env }));

    // Built here (not at synth) so the resources CDK Pipelines generates can be fixed and acknowledged below.
    this.pipeline.buildPipeline();
    this.hardenGeneratedResources();
  }

  /**
   * CDK Pipelines generates roles, policies and, per extra Region, a support stack with a
   * replication bucket. Fixed where props cannot reach (the replication buckets), acknowledged
   * with reasons where the finding is the design of CDK Pipelines.
   */
  private hardenGeneratedResources(): void {
    const artifactBucketId = this.getLogicalId(this.pipeline.pipeline.artifactBucket.node.defaultChild as s3.CfnBucket);
    const replicationBucketNames: string[] = [];
    for (const [region, support] of Object.entries(this.pipeline.pipeline.crossRegionSupport)) {
      const bucket = support.replicationBucket.node.defaultChild as s3.CfnBucket;
      replicationBucketNames.push(this.resolve(support.replicationBucket.bucketName));
      // Transient artifacts under a name CDK Pipelines derives: deleted with the support stack rather
      // than retained (a retained literal name blocks the next deployment), kept 30 days at most.
      bucket.applyRemovalPolicy(RemovalPolicy.DESTROY);
      bucket.versioningConfiguration = { status: 'Enabled' };
      bucket.lifecycleConfiguration = { rules: [{ status: 'Enabled', expirationInDays: 30, noncurrentVersionExpiration: { noncurrentDays: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }] };
      bucket.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
      const accessLogs = new AccessLogsBucket(support.stack, 'AccessLogs');
      bucket.loggingConfiguration = { destinationBucketName: accessLogs.bucket.bucketName, logFilePrefix: 'replication/' };
      const key = support.replicationBucket.encryptionKey as kms.Key | undefined;
      key?.addToResourcePolicy(PlatformKey.grantRestrictionStatement());
      acknowledge(support.replicationBucket, `Pipeline artifacts replicated to ${region} for the deploy actions there: transient build outputs that expire after 30 days.`, [
        'NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled',
        'HIPAA.Security::HIPAA.Security-S3BucketReplicationEnabled',
        'PCI.DSS.321::PCI.DSS.321-S3BucketReplicationEnabled',
        'ControlTower::s3_bucket_object_lock_enabled_check',
      ]);
    }

    // Every role policy CDK Pipelines generates: inline by construction, each scoped to this
    // pipeline's own projects, artifact bucket and key.
    const policies = this.pipeline.node.findAll().filter((c): c is iam.Policy => c instanceof iam.Policy);
    for (const policy of policies) {
      acknowledge(policy, 'CDK Pipelines generates one inline policy per role it creates, holding exactly the grants of that role\'s own actions and projects.', [
        'NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy',
        'HIPAA.Security::HIPAA.Security-IAMNoInlinePolicy',
        'PCI.DSS.321::PCI.DSS.321-IAMNoInlinePolicy',
      ]);
      acknowledge(policy, 'Read/write of pipeline artifacts: objects of this pipeline\'s artifact buckets under keys CodePipeline generates per execution, and data keys of their encryption keys (grantReadWrite).', [
        ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((a) => `AwsSolutions::AwsSolutions-IAM5[Action::${a}]`),
        `AwsSolutions::AwsSolutions-IAM5[Resource::<${artifactBucketId}.Arn>/*]`,
        ...replicationBucketNames.map((n) => `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:s3:::${n}/*]`),
      ]);
    }
    const role = (path: string) => this.pipeline.node.findAll().find((c) => c.node.path === `${this.node.path}/Pipeline/${path}`)!;
    acknowledge(role('Pipeline/Role/DefaultPolicy'), 'The replication keys of the other Regions are referenced by alias from their support stacks, so CodePipeline grants their use on any key; the pipeline role only reaches keys through its artifact stores.', ['AwsSolutions::AwsSolutions-IAM5[Resource::*]']);
    acknowledge(role('UpdatePipeline/SelfMutation/Role/DefaultPolicy'), 'Self-mutation assumes only the CDK bootstrap roles (tagged aws-cdk:bootstrap-role) of this account, and reads stack status and bucket lists to deploy the pipeline itself.', [
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:*:iam::${TOOLING.account}:role/*]`,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    ]);
    acknowledge(role('Assets/FileRole/DefaultPolicy'), 'The asset-publishing role is shared by one CodeBuild project per asset, whose names, log groups and report groups CDK Pipelines generates; it can start and read builds only.', [
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:logs:${TOOLING.region}:${TOOLING.account}:log-group:/aws/codebuild/*]`,
      `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:codebuild:${TOOLING.region}:${TOOLING.account}:report-group/*]`,
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    ]);
    // Each CodeBuild project: its own log streams and report groups, named after the project.
    for (const project of this.pipeline.node.findAll().filter((c): c is codebuild.Project => c instanceof codebuild.Project)) {
      const id = this.getLogicalId(project.node.defaultChild as codebuild.CfnProject);
      acknowledge(project.role!.node.tryFindChild('DefaultPolicy') ?? project, 'CodeBuild writes the build\'s log streams and test reports under names derived from the project; the wildcard covers only this project\'s.', [
        `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:logs:${TOOLING.region}:${TOOLING.account}:log-group:/aws/codebuild/<${id}>:*]`,
        `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:codebuild:${TOOLING.region}:${TOOLING.account}:report-group/<${id}>-*]`,
      ]);
      acknowledge(project, 'The source comes from CodePipeline (a CodeConnections connection, authorized in the console), not from a repository URL with credentials.', [
        'HIPAA.Security::HIPAA.Security-CodeBuildProjectSourceRepoUrl',
        'PCI.DSS.321::PCI.DSS.321-CodeBuildProjectSourceRepoUrl',
      ]);
    }
  }
}

function acknowledge(scope: IConstruct, reason: string, ids: string[]): void {
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}
