import { Annotations, CustomResource, Duration, IResource, RemovalPolicy, Resource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind } from '../core/bedrock-model';
import { IVpcEndpointConsumer, recordRequiredEndpoints, SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireIntegerInRange, requirePattern, requireProps, requireRemovalPolicy } from '../core/validate';
import { BedrockMetrics } from '../observability/bedrock-metrics';
import { ProvisionedThroughputProvider } from './provisioned-throughput-provider';

/** How long a provisioned throughput is bought for. Longer terms bill a lower hourly price. */
export enum ThroughputCommitment {
  /** No commitment: billed per hour while it exists, deleted with the stack. */
  NONE = 'None',
  /** One month: cannot be deleted before the month is over. */
  ONE_MONTH = 'OneMonth',
  /** Six months: cannot be deleted before the six months are over. */
  SIX_MONTHS = 'SixMonths',
}

/** A provisioned throughput: dedicated capacity of one model, invoked by its ARN. */
export interface IProvisionedThroughput extends IResource {
  /** ARN of the provisioned model (`arn:aws:bedrock:<region>:<account>:provisioned-model/<id>`): the `modelId` of invocations. */
  readonly provisionedModelArn: string;
  /** The provisioned model as a {@link BedrockModel}, for personas, endpoint policies and monitoring. */
  readonly model: BedrockModel;
  /** Lets `grantee` invoke the provisioned model (InvokeModel, InvokeModelWithResponseStream; Converse and ConverseStream are authorized as these). */
  grantInvoke(grantee: iam.IGrantable): iam.Grant;
  /** Any AWS/Bedrock metric of the provisioned model (dimension ModelId): Sum over 5 minutes by default. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests Bedrock accepted for the provisioned model. */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests Bedrock throttled: the sign that the model units do not cover the demand. */
  metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time from request to last token, p90 by default. */
  metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input tokens. */
  metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Output tokens. */
  metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Properties of a {@link ProvisionedThroughput}. */
export interface ProvisionedThroughputProps {
  /**
   * The model to buy capacity for: a foundation model of the stack's Region
   * (`BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k')`: the Provisioned Throughput model
   * IDs carry a context-length suffix, see "Amazon Bedrock model IDs for purchasing Provisioned
   * Throughput") or a custom model (`BedrockModel.customModel(arn)`).
   */
  readonly model: BedrockModel;
  /**
   * Model units to buy. They never change after purchase: a new value buys a new throughput
   * (and, for no commitment, deletes the old one). The account must have the units granted
   * (Service Quotas / AWS Support) before the purchase.
   */
  readonly modelUnits: number;
  /**
   * Commitment term. A committed throughput cannot be deleted before its term ends: it is kept
   * (RETAINED) when it leaves the stack, and bills until the term is over.
   * @default ThroughputCommitment.NONE
   */
  readonly commitment?: ThroughputCommitment;
  /**
   * Name of the provisioned throughput, changeable in place. Names are unique in an account and
   * Region, so with a fixed name, a change of model, model units or commitment (which buys a new
   * throughput before the old one is deleted) must change the name too.
   * @default generated per purchase from the stack name, the logical id and the request
   */
  readonly provisionedModelName?: string;
  /**
   * Tags of the provisioned throughput (changeable in place). Stack tags are not applied to it.
   * @default none
   */
  readonly tags?: Record<string, string>;
  /**
   * VPC for the custom resource's Bedrock-calling functions. Without a NAT, the VPC needs the
   * `bedrock` interface endpoint (see `requiredEndpoints`). One provider serves every throughput
   * of a stack: all of them must name the same VPC.
   * @default not in a VPC
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets of those functions, when `vpc` is set.
   * @default the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * What happens to a no-commitment throughput when it leaves the stack. Committed throughputs
   * are always retained (they cannot be deleted during their term).
   * @default RemovalPolicy.DESTROY for no commitment (it bills by the hour), RETAIN for committed
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Attributes of an existing provisioned throughput. */
export interface ProvisionedThroughputAttributes {
  /** Its ARN. */
  readonly provisionedModelArn: string;
}

/** Bedrock API Reference, ProvisionedModelName: 1-63 characters, each letter or digit optionally followed by one - or _. */
const NAME_PATTERN = /^([0-9a-zA-Z][_-]?)+$/;
const NAME_HINT = "1 to 63 letters and digits, each optionally followed by one '-' or '_' (Bedrock's ProvisionedModelName)";
/** Bedrock TagKey / TagValue shapes. */
const TAG_PATTERN = /^[a-zA-Z0-9\s._:/=+@-]*$/;
const MAX_TAGS = 50;
const ARN_PATTERN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:provisioned-model\/[a-z0-9]+$/;
/**
 * The API takes any positive integer; the real ceiling is the account's model-unit quota, which
 * AWS raises on request. 1,000 catches a typo (10000 for 10) before it reaches a purchase.
 */
export const MAX_MODEL_UNITS = 1000;

/** The synth-time warning on a committed throughput. */
export const COMMITTED_THROUGHPUT_WARNING = 'bedrock-secure-platform:committedProvisionedThroughput';

abstract class ProvisionedThroughputBase extends Resource implements IProvisionedThroughput {
  public abstract readonly provisionedModelArn: string;

  public get model(): BedrockModel {
    return BedrockModel.provisionedModel(this.provisionedModelArn);
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      resourceArns: [this.provisionedModelArn],
    });
  }

  /*
   * AWS/Bedrock runtime metrics, dimension ModelId:
   * https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
   * For a provisioned model the ModelId value is taken to be the provisioned model ARN, the
   * modelId callers pass. The AWS documentation does not say so; not verified against a live
   * account (BedrockMetrics.forModelId takes the value the console shows, if it differs).
   */
  private get metrics(): BedrockMetrics {
    return BedrockMetrics.forModel(this.model);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metrics.metric(metricName, props).attachTo(this);
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', props);
  }

  public metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottles', props);
  }

  public metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: 'p90', ...props });
  }

  public metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InputTokenCount', props);
  }

  public metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OutputTokenCount', props);
  }
}

/**
 * Amazon Bedrock Provisioned Throughput (CloudFormation has no resource for it): dedicated capacity
 * of a foundation or custom model, bought by a custom resource that waits until it is InService
 * (the provider framework's Step Functions waiter, up to 55 minutes) and fails the deployment with
 * Bedrock's reason if it ends Failed, after deleting it.
 *
 * Renames and tag changes apply in place; a change of model, model units or commitment buys a new
 * throughput first and CloudFormation deletes the old one after (a no-commitment one; a committed
 * one is retained). It bills by the hour from purchase: see the README's cost notes.
 */
export class ProvisionedThroughput extends ProvisionedThroughputBase implements IVpcEndpointConsumer {
  /** A provisioned throughput bought elsewhere. */
  public static fromProvisionedThroughputArn(scope: Construct, id: string, provisionedModelArn: string): IProvisionedThroughput {
    return ProvisionedThroughput.fromProvisionedThroughputAttributes(scope, id, { provisionedModelArn });
  }

  /** A provisioned throughput bought elsewhere, by its attributes. */
  public static fromProvisionedThroughputAttributes(scope: Construct, id: string, attrs: ProvisionedThroughputAttributes): IProvisionedThroughput {
    class Import extends ProvisionedThroughputBase {
      public readonly provisionedModelArn = attrs.provisionedModelArn;
    }
    const imported = new Import(scope, id, { environmentFromArn: isResolved(attrs.provisionedModelArn) ? attrs.provisionedModelArn : undefined });
    requirePattern(imported, 'provisionedModelArn', attrs.provisionedModelArn, ARN_PATTERN, 'a provisioned model ARN such as arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123def456');
    return imported;
  }

  public readonly provisionedModelArn: string;
  /** The model the capacity is for. */
  public readonly baseModel: BedrockModel;
  /** Model units bought. */
  public readonly modelUnits: number;
  /** Commitment term. */
  public readonly commitment: ThroughputCommitment;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The stack's shared provider. */
  public readonly provider: ProvisionedThroughputProvider;
  /** Endpoints the custom resource's functions call when they run in a VPC. */
  public readonly requiredEndpoints: readonly SupportEndpoint[];
  /** The custom resource, when its functions run in a VPC: created after, deleted before those endpoints. */
  public readonly endpointDependents: readonly IConstruct[];
  /** Security groups of the handler functions (empty outside a VPC): give them to the endpoint as clients. */
  public readonly securityGroups: readonly ec2.ISecurityGroup[];

  constructor(scope: Construct, id: string, props: ProvisionedThroughputProps) {
    super(scope, id);
    props = requireProps(this, props);
    if (!(props.model instanceof BedrockModel)) {
      throw new PlatformValidationError(this, 'model', props.model, "Must be a BedrockModel: BedrockModel.foundationModel('amazon.nova-lite-v1:0:24k') or BedrockModel.customModel(arn).");
    }
    props.model.validate(this, 'model', {
      kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CUSTOM_MODEL],
      allowRegion: false,
      reason: 'what provisioned throughput is bought for, in the stack\'s Region',
    });
    this.baseModel = props.model;
    this.modelUnits = requireIntegerInRange(this, 'modelUnits', props.modelUnits, 1, MAX_MODEL_UNITS);
    const commitment = props.commitment ?? ThroughputCommitment.NONE;
    if (!Object.values(ThroughputCommitment).includes(commitment)) {
      throw new PlatformValidationError(this, 'commitment', commitment, `Must be one of ${Object.values(ThroughputCommitment).join(', ')} (ThroughputCommitment).`);
    }
    this.commitment = commitment;
    const committed = commitment !== ThroughputCommitment.NONE;
    if (props.provisionedModelName !== undefined && isResolved(props.provisionedModelName)) {
      if (props.provisionedModelName.length > 63) throw new PlatformValidationError(this, 'provisionedModelName', props.provisionedModelName, `Must be ${NAME_HINT}.`);
      requirePattern(this, 'provisionedModelName', props.provisionedModelName, NAME_PATTERN, NAME_HINT);
    }
    const tags = checkedTags(this, props.tags ?? {});
    const requested = requireRemovalPolicy(this, 'removalPolicy', props.removalPolicy, 'A provisioned throughput');
    if (committed && requested !== undefined && requested !== RemovalPolicy.RETAIN) {
      throw new PlatformValidationError(this, 'removalPolicy', requested, 'A committed provisioned throughput cannot be deleted during its term: leave removalPolicy unset (RETAIN) or buy it without commitment.');
    }
    const removalPolicy = committed ? RemovalPolicy.RETAIN : (requested ?? RemovalPolicy.DESTROY);
    if (committed) {
      Annotations.of(this).addWarningV2(
        COMMITTED_THROUGHPUT_WARNING,
        `${this.node.path} buys ${this.modelUnits} model unit(s) of ${props.model.identifier} with a ${commitment} commitment: it bills every hour of the term, cannot be deleted before the term ends, ` +
          'and is RETAINED when removed from the stack or when the stack is deleted (delete it yourself after the term). A change of model, model units or commitment buys another committed throughput.',
      );
    }

    this.provider = ProvisionedThroughputProvider.of(this, props.vpc ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets } : undefined);
    const modelArn = props.model.resourceArn(this)!;
    this.provider.allowModel(modelArn);
    this.requiredEndpoints = this.provider.requiredEndpoints;
    this.securityGroups = this.provider.securityGroups;

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: this.provider.serviceToken,
      resourceType: 'Custom::BedrockProvisionedThroughput',
      properties: {
        // A foundation model by ID (what the purchase API documents), a custom model by ARN.
        ModelId: props.model.identifier,
        ModelUnits: this.modelUnits,
        ...(committed ? { CommitmentDuration: commitment } : {}),
        ...(props.provisionedModelName !== undefined ? { ProvisionedModelName: props.provisionedModelName } : {}),
        ...(Object.keys(tags).length > 0 ? { Tags: tags } : {}),
      },
      // CloudFormation's maximum: the waiter answers "timed out" at 55 minutes, before this.
      serviceTimeout: Duration.seconds(3600),
      removalPolicy,
    });
    // Created after, deleted before the provider's functions, policy and log groups.
    this.resource.node.addDependency(this.provider);
    this.provisionedModelArn = this.resource.ref;
    this.endpointDependents = props.vpc ? [this.resource] : [];
    recordRequiredEndpoints(this.resource, this.requiredEndpoints);
  }
}

function checkedTags(scope: IConstruct, tags: Record<string, string>): Record<string, string> {
  if (Token.isUnresolved(tags)) return tags;
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) throw new PlatformValidationError(scope, 'tags', `${entries.length} tags`, `At most ${MAX_TAGS} tags per provisioned throughput.`);
  for (const [key, value] of entries) {
    if (isResolved(key) && (key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key) || key.startsWith('aws:'))) {
      throw new PlatformValidationError(scope, 'tags', key, "Tag keys are 1 to 128 letters, digits, spaces and ._:/=+@-, not starting with 'aws:'.");
    }
    if (isResolved(value) && (typeof value !== 'string' || value.length > 256 || !TAG_PATTERN.test(value))) {
      throw new PlatformValidationError(scope, `tags.${key}`, value, 'Tag values are 0 to 256 letters, digits, spaces and ._:/=+@-.');
    }
  }
  return tags;
}
