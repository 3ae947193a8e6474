import { CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind, bedrockArn, foundationModelArn, requireModels } from '../core/bedrock-model';
import { bundledHandlerCode } from '../core/bundled-code';
import { IVpcEndpointConsumer, recordRequiredEndpoints, SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { optionalKey, requireIntegerInRange, requireProps } from '../core/validate';
import * as platformFunction from '../data-protection/platform-function';
import { SecureLogGroup } from '../data-protection/secure-log-group';

/** Properties of a {@link ModelAccessPreflight}. */
export interface ModelAccessPreflightProps {
  /**
   * The models to check in the stack's Region: the platform's allowed models. Foundation models
   * (Region offer, on-demand invocation, authorization, entitlement, third-party agreement),
   * cross-Region and application inference profiles (the profile, and the access to the models
   * they route to) and provisioned models (InService) are checked; custom and imported models,
   * deployments and Mantle models are reported as not checked, and a foundation model of another
   * Region is left to a preflight in that Region.
   */
  readonly models: BedrockModel[];
  /**
   * Key that encrypts the function's log group and dead-letter queue.
   * @default the stack's platform key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * VPC to run the function in. It calls the Bedrock control plane and PUTs its reply to a
   * pre-signed S3 URL: without a NAT, the VPC needs the `bedrock` interface endpoint and the S3
   * gateway endpoint (see `requiredEndpoints`; `BedrockPrivateLink.addSupportEndpointsFor` adds
   * them and orders the check after them).
   * @default not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of the function, when `vpc` is set.
   * @default the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the function, when `vpc` is set.
   * @default a new group that allows only outbound HTTPS
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * Concurrency reserved for the function: the check runs once per deployment.
   * @default 1
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * What happens to the function's log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The `Models` property of the custom resource: what lambda/model-access-preflight reads. */
interface ModelProperty {
  readonly Kind: string;
  readonly Id: string;
  readonly Region?: string;
}

/**
 * A deploy-time check that the account can use every model the platform allows, in the stack's
 * Region: a `Custom::BedrockModelAccessPreflight` resource whose Create and Update call
 * GetFoundationModelAvailability and friends (GetFoundationModel, GetInferenceProfile,
 * GetProvisionedModelThroughput, ListFoundationModelAgreementOffers) and FAIL the deployment with
 * the list of what is missing (model not offered in the Region, agreement not accepted, no
 * entitlement, use case not submitted, profile missing) and how to fix each. Delete does nothing.
 * The model list is the resource's property: changing it runs the check again. The same check
 * runs from a terminal: `npm run preflight -- --region <region> --models <ids>`.
 *
 * The function follows the library's hardened-Lambda recipe (its own platform-key log group,
 * encrypted dead-letter queue, one customer-managed policy with exactly its calls, no retries,
 * optional VPC): the Bedrock model-access reads that have a resource type are scoped to the
 * models, the two that have none take `*`.
 */
export class ModelAccessPreflight extends Construct implements IVpcEndpointConsumer {
  /** The models checked, validated. */
  public readonly models: readonly BedrockModel[];
  /** The function behind the custom resource. */
  public readonly function: lambda.Function;
  /** Its execution role. */
  public readonly role: iam.Role;
  /** The managed policy that carries every permission of the role. */
  public readonly policy: iam.ManagedPolicy;
  /** Where invocations that failed even to answer CloudFormation end up. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The function's log group: each check's full report is logged there. */
  public readonly logGroup: logs.ILogGroup;
  /** Security groups of the function, when it runs in a VPC. */
  public readonly securityGroups: ec2.ISecurityGroup[];
  /** Endpoints the function calls when it runs in a VPC: the Bedrock control plane, and S3 for its reply. */
  public readonly requiredEndpoints: readonly SupportEndpoint[];
  /** The custom resource, when its function runs in a VPC: created after and deleted before those endpoints. */
  public readonly endpointDependents: readonly IConstruct[];
  /** The custom resource that runs the check. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: ModelAccessPreflightProps) {
    super(scope, id);
    props = requireProps(this, props);
    if (props.models === undefined || (Array.isArray(props.models) && props.models.length === 0)) {
      throw new PlatformValidationError(this, 'models', props.models, 'Name at least one model to check, e.g. [BedrockModel.parse(\'amazon.nova-lite-v1:0\')]: usually the platform\'s allowed models.');
    }
    this.models = requireModels(this, 'models', props.models);
    const stack = Stack.of(this);
    const encryptionKey = optionalKey(this, 'encryptionKey', props.encryptionKey) ?? PlatformKey.of(this).key;
    // Lambda's concurrency quota is 1,000 per Region by default; the check needs 1.
    const reserved = requireIntegerInRange(this, 'reservedConcurrentExecutions', props.reservedConcurrentExecutions ?? 1, 1, 1000);
    this.requiredEndpoints = props.vpc ? [SupportEndpoint.BEDROCK, SupportEndpoint.S3] : [];

    this.logGroup = new SecureLogGroup(this, 'Logs', { encryptionKey, removalPolicy: props.removalPolicy });
    // Holds CloudFormation events that could not be answered; nothing else, so it need not outlive the stack.
    this.deadLetterQueue = platformFunction.terminalDeadLetterQueue(this, encryptionKey, 'the preflight handler');

    const unique = (xs: string[]) => [...new Set(xs)];
    const checkedHere = (m: BedrockModel) => m.region === undefined || m.region === stack.region;
    const foundationModels = unique(this.models.filter((m) => m.kind === BedrockModelKind.FOUNDATION_MODEL && checkedHere(m)).map((m) => foundationModelArn(this, m.identifier, stack.region)));
    const profiles = unique(
      this.models.flatMap((m) =>
        m.kind === BedrockModelKind.CROSS_REGION_PROFILE
          ? [bedrockArn(this, stack.region, stack.account, `inference-profile/${m.identifier}`)]
          : m.kind === BedrockModelKind.APPLICATION_INFERENCE_PROFILE
            ? [m.identifier]
            : [],
      ),
    );
    const provisioned = unique(this.models.filter((m) => m.kind === BedrockModelKind.PROVISIONED_MODEL).map((m) => m.identifier));

    // Service Authorization Reference, "Actions, resources, and condition keys for Amazon Bedrock"
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html):
    // GetFoundationModelAvailability and ListFoundationModelAgreementOffers have no resource type;
    // GetFoundationModel takes foundation-model, GetInferenceProfile inference-profile and
    // application-inference-profile, GetProvisionedModelThroughput provisioned-model.
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Bedrock model access preflight custom resource: its reads and nothing else',
      statements: [
        new iam.PolicyStatement({
          sid: 'CheckModelAccess',
          actions: ['bedrock:GetFoundationModelAvailability', 'bedrock:ListFoundationModelAgreementOffers'],
          resources: ['*'],
        }),
        ...(foundationModels.length ? [new iam.PolicyStatement({ sid: 'DescribeFoundationModels', actions: ['bedrock:GetFoundationModel'], resources: foundationModels })] : []),
        ...(profiles.length ? [new iam.PolicyStatement({ sid: 'DescribeInferenceProfiles', actions: ['bedrock:GetInferenceProfile'], resources: profiles })] : []),
        ...(provisioned.length ? [new iam.PolicyStatement({ sid: 'DescribeProvisionedModels', actions: ['bedrock:GetProvisionedModelThroughput'], resources: provisioned })] : []),
        ...platformFunction.logAndTraceStatements(this.logGroup),
        ...platformFunction.deadLetterStatements(this.deadLetterQueue, encryptionKey),
      ],
    });
    ({ role: this.role, securityGroups: this.securityGroups, function: this.function } = platformFunction.customResourceFunction(this, {
      policy: this.policy,
      logGroup: this.logGroup,
      deadLetterQueue: this.deadLetterQueue,
      roleDescription: 'Bedrock model access preflight custom resource handler',
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      securityGroupDescription: 'Bedrock model access preflight: outbound HTTPS only',
      egressDescription: 'HTTPS to the Bedrock and S3 endpoints',
      wildcardActions: 'bedrock:GetFoundationModelAvailability, bedrock:ListFoundationModelAgreementOffers and xray:PutTraceSegments/PutTelemetryRecords',
      wildcardNote: '; every Bedrock read that has one is scoped to the checked models',
      outsideVpcReason:
        'The preflight handler runs only during deployments and calls only the Bedrock control plane (read-only) and CloudFormation\'s pre-signed S3 URL; it holds no data. Pass vpc to run it in private subnets.',
      functionProps: {
        description: 'Checks at deploy time that the account can use the platform\'s Bedrock models in this Region',
        code: bundledHandlerCode('model-access-preflight'),
        handler: 'index.handler',
        // The handler keeps 30 s of this for its reply to CloudFormation: Bedrock calls and retries
        // stop at that deadline, and a watchdog answers FAILED if one still hangs.
        timeout: Duration.minutes(3),
        reservedConcurrentExecutions: reserved,
        // CloudFormation waits for one answer per event; a retried invocation would answer twice.
        retryAttempts: 0,
      },
    }));

    const models: ModelProperty[] = [];
    const seen = new Set<string>();
    for (const m of this.models) {
      const key = `${m.kind} ${m.identifier} ${m.region ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      models.push({ Kind: m.kind as string, Id: m.identifier, ...(m.region !== undefined && m.region !== stack.region ? { Region: m.region } : {}) });
    }
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::BedrockModelAccessPreflight',
      // The model list is the property: a change of it runs the check again.
      properties: { Models: models },
      // Well above the handler's 3-minute timeout, far below CloudFormation's default hour.
      serviceTimeout: Duration.minutes(10),
    });
    // The function, its policy and its log group exist before the check runs and outlive it.
    this.resource.node.addDependency(this.function, this.policy, this.logGroup);
    this.endpointDependents = props.vpc ? [this.resource] : [];
    recordRequiredEndpoints(this.resource, this.requiredEndpoints);
  }
}
