import { CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, DEFAULT_TEXT_MODELS } from '../core/bedrock-model';
import { IVpcEndpointConsumer, recordExternalEndpoint, SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireAccountId, requireOneOf, requirePattern } from '../core/validate';
import { ALL_BEDROCK_FEATURES, BedrockFeature, bedrockFeature, endpointServiceOf, featureActions } from './bedrock-features';
import { BearerTokenAccess, bedrockEndpointStatements, EndpointPrincipals, supportEndpointStatements } from './endpoint-policies';
import { endpointModelArns, mantleModelsOf, sameModel, validateEndpointModels } from './model-access';
import {
  INBOUND_RULES_PER_SECURITY_GROUP, knownVpcCidr, rejectWith, renderedJsonLength, requireList, requirePeer, requireProps, requireVpc, routeTableIdsOf, subnetsAcrossZones,
} from './network-validation';
import { createNewVpc, NewVpcProps, rejectNewVpcPropsWithExistingVpc } from './new-vpc';
import { VpcFlowLog } from './vpc-flow-log';
import { endpointsInApp, vpcRecord } from './vpc-registry';

/** A set of Bedrock interface endpoints in a VPC, as other constructs see it (created here, or imported). */
export interface IBedrockPrivateLink extends IConstruct {
  /** The VPC the endpoints live in. */
  readonly vpc: ec2.IVpc;
  /** Subnets that hold the endpoints, where clients (and the platform's in-VPC functions) run. */
  readonly applicationSubnets: ec2.SubnetSelection;
  /** The features reachable through the endpoints. */
  readonly features: BedrockFeature[];
  /** Endpoint ID of each reachable feature, for `aws:SourceVpce` conditions. */
  readonly endpointIds: Readonly<Partial<Record<BedrockFeature, string>>>;
  /** IDs of every Bedrock endpoint, rendered at synth time (later additions included). */
  readonly bedrockEndpointIds: string[];
  /** Endpoint ID of each AWS service endpoint the VPC provides for in-VPC functions. */
  readonly supportEndpointIds: Readonly<Partial<Record<SupportEndpoint, string>>>;
  /** The endpoint ID of `feature`; throws if the feature has no endpoint. */
  endpointId(feature: BedrockFeature): string;
  /** Admits `peers` on TCP 443 to the endpoints' security groups, now and later. */
  allowClients(...peers: ec2.IPeer[]): void;
  /**
   * Provides the endpoints `consumer`'s functions call and orders its deploy-time resources after
   * them (see `BedrockPrivateLink.addSupportEndpointsFor`).
   */
  addSupportEndpointsFor(consumer: IVpcEndpointConsumer): void;
  /** A metric of `feature`'s endpoint in `AWS/PrivateLinkEndpoints`. */
  metricForEndpoint(feature: BedrockFeature, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Packets `feature`'s endpoint dropped (Sum over 5 minutes): rising values mean an unhealthy endpoint or service. */
  metricPacketsDropped(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Concurrent connections through `feature`'s endpoint (Maximum over 5 minutes). */
  metricActiveConnections(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Bytes exchanged through `feature`'s endpoint, both directions (Sum over 5 minutes): what the endpoint is billed for. */
  metricBytesProcessed(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Endpoints another stack or team owns, for {@link BedrockPrivateLink.fromPrivateLinkAttributes}. */
export interface BedrockPrivateLinkAttributes {
  /** The VPC of the endpoints (e.g. `Vpc.fromVpcAttributes`). */
  readonly vpc: ec2.IVpc;
  /** The endpoint ID (`vpce-...`) of each reachable feature. At least one. */
  readonly endpointIds: Readonly<Partial<Record<BedrockFeature, string>>>;
  /**
   * Subnets that hold the endpoints, where in-VPC functions may run.
   * @default the VPC's private subnets (else isolated, else public)
   */
  readonly applicationSubnets?: ec2.SubnetSelection;
  /**
   * The endpoints' security groups (mutable imports, e.g. `SecurityGroup.fromSecurityGroupId`):
   * `allowClients` adds its TCP 443 rules to each of them, in the importing stack.
   * @default none: `allowClients` throws, and the endpoints' owner admits clients
   */
  readonly endpointSecurityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * AWS service endpoints the VPC already provides for in-VPC functions (`logs`, `kms`, `s3`, ...),
   * by service: `addSupportEndpointsFor` accepts consumers that need only these (and the Bedrock
   * features above).
   * @default none
   */
  readonly supportEndpointIds?: Readonly<Partial<Record<SupportEndpoint, string>>>;
  /**
   * Whether the endpoints are the FIPS ones (`bedrock-runtime-fips`, ...): the `Service Name`
   * dimension of their metrics.
   * @default false
   */
  readonly useFipsEndpoints?: boolean;
}

/** Properties of a {@link BedrockPrivateLink}. */
export interface BedrockPrivateLinkProps extends NewVpcProps {
  /** The Bedrock features reachable from the VPC: one endpoint each. At least one; add more later with `addFeature`. */
  readonly features: readonly BedrockFeature[];
  /**
   * The VPC to put the endpoints in (created, or imported with `Vpc.fromVpcAttributes`).
   * @default a new VPC with isolated subnets only: no internet gateway, no NAT, no route out
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Subnets that hold the endpoint network interfaces (at most one per Availability Zone is used).
   * @default the isolated subnets of the new VPC, or the existing VPC's private subnets
   */
  readonly subnets?: ec2.SubnetSelection;
  /**
   * Who may open connections to the endpoints on TCP 443 (security groups or CIDR peers); add more
   * later with `allowClients`. Prefer the security groups of the client workloads.
   * @default the VPC's CIDR block (it must then be known: literal, or imported with vpcCidrBlock)
   */
  readonly clients?: readonly ec2.IPeer[];
  /**
   * Models callers may invoke through the runtime and agents-runtime endpoints (every kind but
   * Mantle models) and the Mantle endpoint (`BedrockModel.mantleModel`). A cross-Region profile
   * allows the profile, and its foundation model in every Region it routes to (IAM authorizes the
   * request in each destination Region). `*` inside an ID or ARN (`anthropic.claude-*`) is allowed
   * here; a bare `*` is not. Image and video models are refused unless listed. Add more later with
   * `addModel`.
   * @default DEFAULT_TEXT_MODELS (Amazon Nova Micro/Lite/Pro and Titan Text Embeddings V2, on demand in the stack's Region)
   */
  readonly models?: readonly BedrockModel[];
  /**
   * Whose principals may use the endpoints.
   * @default principals of this stack's account
   */
  readonly principals?: EndpointPrincipals;
  /**
   * Whether the runtime and Mantle endpoints accept Bedrock API keys (bearer tokens) besides
   * SigV4-signed requests. OpenAI-SDK clients of Mantle need SHORT_TERM_ONLY.
   * @default BearerTokenAccess.NONE
   */
  readonly bearerTokens?: BearerTokenAccess;
  /**
   * Narrows a feature's endpoint policy to these of its catalog actions, e.g.
   * `{ [BedrockFeature.CONTROL_PLANE]: ['bedrock:ListFoundationModels', 'bedrock:GetFoundationModel'] }`.
   * @default every catalog action of each feature
   */
  readonly allowedActions?: Readonly<Partial<Record<BedrockFeature, readonly string[]>>>;
  /**
   * Existing endpoints to use instead of creating one, per feature (Private DNS allows one endpoint
   * per service in a VPC). Their policy and security groups stay as their owner set them; see
   * `endpointPolicy(feature)` for the policy this construct would apply.
   * @default none: an endpoint is created for each feature
   */
  readonly existingEndpoints?: Readonly<Partial<Record<BedrockFeature, ec2.IInterfaceVpcEndpoint>>>;
  /**
   * Existing AWS service endpoints to reuse for `addSupportEndpoint`, per service.
   * @default none
   */
  readonly existingSupportEndpoints?: Readonly<Partial<Record<SupportEndpoint, ec2.IVpcEndpoint>>>;
  /**
   * Use the FIPS 140 endpoints (`bedrock-fips`, `bedrock-runtime-fips`, ...). Every selected feature
   * must have one.
   * @default false
   */
  readonly useFipsEndpoints?: boolean;
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** Construct ids of support endpoints (stable: changing one replaces the endpoint). */
const SUPPORT_IDS: Record<SupportEndpoint, string> = {
  [SupportEndpoint.S3]: 'S3',
  [SupportEndpoint.LOGS]: 'Logs',
  [SupportEndpoint.KMS]: 'Kms',
  [SupportEndpoint.STS]: 'Sts',
  [SupportEndpoint.SNS]: 'Sns',
  [SupportEndpoint.CLOUDWATCH]: 'CloudWatch',
  [SupportEndpoint.EVENTBRIDGE]: 'EventBridge',
  [SupportEndpoint.BEDROCK]: 'Bedrock',
  [SupportEndpoint.BEDROCK_RUNTIME]: 'BedrockRuntime',
};

/** Support needs that are Bedrock features: they get the feature's least-privilege endpoint. */
const SUPPORT_FEATURES: Partial<Record<SupportEndpoint, BedrockFeature>> = {
  [SupportEndpoint.BEDROCK]: BedrockFeature.CONTROL_PLANE,
  [SupportEndpoint.BEDROCK_RUNTIME]: BedrockFeature.RUNTIME,
};

const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;

/**
 * Largest VPC endpoint policy, white space included (AWS PrivateLink quotas, not adjustable:
 * https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-limits-endpoints.html). A VPC endpoint
 * takes one policy document, so a larger one cannot be split.
 */
export const ENDPOINT_POLICY_MAX_LENGTH = 20480;

/**
 * Metrics of an interface endpoint in `AWS/PrivateLinkEndpoints` (AWS PrivateLink Guide, "CloudWatch
 * metrics for AWS PrivateLink": https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-cloudwatch-metrics.html).
 */
const ENDPOINT_METRICS = ['ActiveConnections', 'BytesProcessed', 'NewConnections', 'PacketsDropped', 'RstPacketsReceived'] as const;

/**
 * What created and imported private links share: endpoint IDs with a clear error for a feature
 * that has none, client admission to the endpoints' security groups, and endpoint metrics.
 */
export abstract class BedrockPrivateLinkBase extends Construct implements IBedrockPrivateLink {
  public abstract readonly vpc: ec2.IVpc;
  public abstract readonly applicationSubnets: ec2.SubnetSelection;
  public abstract readonly features: BedrockFeature[];
  public abstract readonly supportEndpointIds: Readonly<Partial<Record<SupportEndpoint, string>>>;
  /** Whether the endpoints are the FIPS ones (their service names). */
  protected abstract readonly useFips: boolean;

  private readonly clientPeers: ec2.IPeer[] = [];
  private readonly clientGroups: ec2.ISecurityGroup[] = [];

  public abstract addSupportEndpointsFor(consumer: IVpcEndpointConsumer): void;

  /** The endpoint ID of `feature`, if it has an endpoint. */
  protected abstract tryEndpointId(feature: BedrockFeature): string | undefined;

  /** Endpoint ID of each reachable feature. */
  public get endpointIds(): Readonly<Partial<Record<BedrockFeature, string>>> {
    return Object.fromEntries(this.features.map((f) => [f, this.endpointId(f)]));
  }

  /**
   * IDs of every Bedrock endpoint (selected features, and feature endpoints added later), rendered
   * at synth time: for `aws:SourceVpce` conditions that must cover every way into Bedrock the
   * platform opens, and no other.
   */
  public get bedrockEndpointIds(): string[] {
    // Uncached: a consumer that resolves it early (e.g. to render an SCP) must not freeze the list.
    return Lazy.uncachedList({ produce: () => this.features.map((f) => this.endpointId(f)) });
  }

  /** The endpoint ID of `feature`; throws if the feature has no endpoint. */
  public endpointId(feature: BedrockFeature): string {
    const id = this.tryEndpointId(feature);
    if (id === undefined) {
      throw new PlatformValidationError(this, 'feature', feature, `It has no endpoint here. Reachable features: ${this.features.join(', ')}.`);
    }
    return id;
  }

  /**
   * Admits `peers` on TCP 443 to every endpoint security group, now and later. A peer admitted
   * already (same security group or CIDR) is not added again.
   */
  public allowClients(...peers: ec2.IPeer[]): void {
    peers.forEach((p, i) => requirePeer(this, `clients[${this.clientPeers.length + i}]`, p));
    this.checkClientsCanBeAdmitted(peers);
    const added = peers.filter((p, i) => !this.clientPeers.some((q) => q.uniqueId === p.uniqueId) && peers.findIndex((q) => q.uniqueId === p.uniqueId) === i);
    // One inbound rule per peer on each endpoint group. Refused above the default quota rather than
    // spread over more groups: hundreds of client rules mean clients should share a security group
    // (or a summarizing CIDR), and a rule AWS refuses would only show up at deploy time.
    const total = this.clientPeers.length + added.length;
    if (total > INBOUND_RULES_PER_SECURITY_GROUP) {
      throw new PlatformValidationError(
        this,
        'clients',
        `${total} distinct peers`,
        `Each endpoint security group would get ${total} inbound rules; a security group holds ${INBOUND_RULES_PER_SECURITY_GROUP} by default (Amazon VPC quota "Inbound rules per security group"). Admit a security group the clients share, or CIDR blocks that summarize them.`,
      );
    }
    for (const peer of added) {
      this.clientPeers.push(peer);
      for (const sg of this.clientGroups) admit(this, sg, peer);
    }
  }

  /**
   * A metric of `feature`'s endpoint: `metricName` is one of ActiveConnections, BytesProcessed,
   * NewConnections, PacketsDropped, RstPacketsReceived, published for interface endpoints with the
   * dimensions Endpoint Type, Service Name, VPC Endpoint Id and VPC Id (all four name one series).
   * @default statistic Average, period 5 minutes
   */
  public metricForEndpoint(feature: BedrockFeature, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    requireOneOf(this, 'metricName', metricName, ENDPOINT_METRICS);
    const d = bedrockFeature(requireOneOf(this, 'feature', feature, ALL_BEDROCK_FEATURES));
    return new cloudwatch.Metric({
      namespace: 'AWS/PrivateLinkEndpoints',
      metricName,
      dimensionsMap: {
        'Endpoint Type': 'Interface',
        'Service Name': `com.amazonaws.${Stack.of(this).region}.${this.useFips ? d.fipsServiceShortName : d.serviceShortName}`,
        'VPC Endpoint Id': this.endpointId(feature),
        'VPC Id': this.vpc.vpcId,
      },
      ...props,
    }).attachTo(this);
  }

  /** Packets `feature`'s endpoint dropped (Sum over 5 minutes): rising values mean an unhealthy endpoint or service. */
  public metricPacketsDropped(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForEndpoint(feature, 'PacketsDropped', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Concurrent connections through `feature`'s endpoint (Maximum over 5 minutes). */
  public metricActiveConnections(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForEndpoint(feature, 'ActiveConnections', { statistic: cloudwatch.Stats.MAXIMUM, ...props });
  }

  /** Bytes exchanged through `feature`'s endpoint, both directions (Sum over 5 minutes): what the endpoint is billed for. */
  public metricBytesProcessed(feature: BedrockFeature, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metricForEndpoint(feature, 'BytesProcessed', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  /** Throws when `peers` cannot be admitted (an import without security groups). */
  protected checkClientsCanBeAdmitted(_peers: ec2.IPeer[]): void {}

  /** Registers an endpoint security group: every client admitted so far, and later, gets TCP 443. */
  protected addClientSecurityGroup(sg: ec2.ISecurityGroup): void {
    this.clientGroups.push(sg);
    for (const peer of this.clientPeers) admit(this, sg, peer);
  }

  /** Whether clients have a security group to be admitted to. */
  protected get hasClientSecurityGroups(): boolean {
    return this.clientGroups.length > 0;
  }
}

/**
 * Admits `peer` on 443. A client group of another stack gets the rule in its own stack: that
 * stack already depends on the endpoints' stack (it uses their VPC), and a rule here would make
 * the endpoints' stack depend on it too, a cycle.
 */
function admit(link: IConstruct, sg: ec2.ISecurityGroup, peer: ec2.IPeer): void {
  const remote = ec2.SecurityGroup.isSecurityGroup(peer) && Stack.of(peer) !== Stack.of(sg);
  if (remote) rejectCycle(link, 'clients', peer, Stack.of(sg));
  sg.addIngressRule(peer, ec2.Port.tcp(443), `HTTPS from ${peer.uniqueId}`.slice(0, 255), remote);
}

/**
 * Throws when `consumer` (a client group or an in-VPC consumer) is in a stack that `linkStack`
 * already depends on: the rule or dependency that ties the consumer to the endpoints would make
 * that stack depend on the endpoints' stack too, a cycle CloudFormation cannot deploy. The case
 * seen structurally: the consumer lives in the stack of the VPC, and the endpoints in another one.
 */
function rejectCycle(link: IConstruct, prop: string, consumer: IConstruct, linkStack: Stack): void {
  const consumerStack = Stack.of(consumer);
  if (consumerStack === linkStack) return;
  if (linkStack.dependencies.includes(consumerStack) || (link instanceof BedrockPrivateLinkBase && Stack.of(link.vpc) === consumerStack && consumerStack !== linkStack)) {
    throw new PlatformValidationError(
      link,
      prop,
      consumer.node.path,
      `It is in stack ${consumerStack.stackName}, which the endpoints' stack ${linkStack.stackName} depends on (it holds the VPC): tying it to the endpoints would make each stack depend on the other. Create it in ${linkStack.stackName} or in a stack deployed after it.`,
    );
  }
}

/**
 * Path 2, PrivateLink: one interface endpoint per selected Bedrock feature, each with Private DNS,
 * its own security group (TCP 443 from the declared clients only) and its own endpoint policy
 * (the feature's actions only, the allowed models only, principals of this account or
 * organization only). A feature not selected has no endpoint and cannot be reached from a VPC
 * without an internet route. Endpoint IDs are exposed for `aws:SourceVpce` conditions.
 *
 * Models and features can be added after construction (`addModel`, `addFeature`): endpoint
 * policies are rendered at synth time from the lists as they are then.
 */
export class BedrockPrivateLink extends BedrockPrivateLinkBase {
  /**
   * Endpoints another stack or team owns, for the constructs that take an `IBedrockPrivateLink`
   * (`DirectConnectPath`, `aws:SourceVpce` conditions through `bedrockEndpointIds`, in-VPC
   * consumers through `addSupportEndpointsFor`). Nothing is created; `allowClients` adds rules
   * to `endpointSecurityGroups`, and throws without them.
   */
  public static fromPrivateLinkAttributes(scope: Construct, id: string, attrs: BedrockPrivateLinkAttributes): IBedrockPrivateLink {
    return new ImportedBedrockPrivateLink(scope, id, attrs);
  }

  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** Subnets that hold the endpoints, where clients (and the platform's Lambdas) run. */
  public readonly applicationSubnets: ec2.SubnetSelection;
  /** Whose principals may use the endpoints. */
  public readonly principals: EndpointPrincipals;
  /** Flow logs of the new VPC (none for an existing VPC). */
  public readonly flowLog?: VpcFlowLog;
  protected readonly useFips: boolean;

  private readonly modelList: BedrockModel[] = [];
  private readonly featureEndpoints = new Map<BedrockFeature, ec2.IInterfaceVpcEndpoint>();
  private readonly supportEndpointMap = new Map<SupportEndpoint, ec2.IVpcEndpoint>();
  private readonly bearerTokens: BearerTokenAccess;
  private readonly allowedActions: Readonly<Partial<Record<BedrockFeature, readonly string[]>>>;
  private readonly existingSupport: Readonly<Partial<Record<SupportEndpoint, ec2.IVpcEndpoint>>>;
  private readonly existingEndpoints: Readonly<Partial<Record<BedrockFeature, ec2.IInterfaceVpcEndpoint>>>;

  constructor(scope: Construct, id: string, props: BedrockPrivateLinkProps) {
    super(scope, id);
    props = requireProps(this, props, '{ features: [BedrockFeature.RUNTIME] }');
    const features = [...(requireList(this, 'features', props.features, 'BedrockFeature values', true) ?? [])];
    if (features.length === 0) {
      throw new PlatformValidationError(this, 'features', props.features, `A private path needs at least one feature to reach. Allowed values: ${ALL_BEDROCK_FEATURES.join(', ')}.`);
    }
    features.forEach((f) => requireOneOf(this, 'features', f, ALL_BEDROCK_FEATURES));
    rejectNewVpcPropsWithExistingVpc(this, props, {}, 'they shape a VPC this construct creates; an existing VPC keeps its own CIDR, zones and flow logs.');

    this.principals = this.validatePrincipals(props.principals ?? {});
    this.addUniqueModels(validateEndpointModels(this, 'models', props.models ?? DEFAULT_TEXT_MODELS));
    this.useFips = props.useFipsEndpoints ?? false;
    this.bearerTokens = requireOneOf(this, 'bearerTokens', props.bearerTokens ?? BearerTokenAccess.NONE, Object.values(BearerTokenAccess));
    this.allowedActions = props.allowedActions ?? {};
    this.existingEndpoints = props.existingEndpoints ?? {};
    this.existingSupport = props.existingSupportEndpoints ?? {};
    this.validateFeatureOptions(features);

    if (props.vpc !== undefined) {
      this.vpc = requireVpc(this, 'vpc', props.vpc);
      this.applicationSubnets = props.subnets ?? {};
    } else {
      const { vpc, flowLog } = createNewVpc(this, props, {
        natGateways: () => 0,
        // Isolated only: no internet gateway, no NAT, so no route to the internet exists to misuse.
        subnetConfiguration: [{ name: 'Application', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        createInternetGateway: false,
      });
      this.vpc = vpc;
      this.flowLog = flowLog;
      this.applicationSubnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    }
    subnetsAcrossZones(this, 'subnets', this.vpc, this.applicationSubnets, 1, 6);

    requireList(this, 'clients', props.clients, 'peers (security groups, or ec2.Peer.ipv4(...))');
    if (props.clients !== undefined && props.clients.length === 0) {
      throw new PlatformValidationError(this, 'clients', [], 'Name at least one client peer (a security group or CIDR), or leave clients unset to admit the VPC CIDR.');
    }
    const vpcCidr = knownVpcCidr(this.vpc);
    if (props.clients === undefined && vpcCidr === undefined) {
      throw new PlatformValidationError(this, 'clients', undefined, 'The VPC CIDR is unknown (import the VPC with vpcCidrBlock), so name the client peers explicitly.');
    }
    // A literal CIDR rather than the VPC's GetAtt, so compliance rules can read the rule.
    this.allowClients(...(props.clients ?? [ec2.Peer.ipv4(vpcCidr!)]));

    for (const feature of features) this.addFeatureEndpoint(feature);
    this.node.addValidation({ validate: () => [...this.policySizeErrors(), ...this.foreignEndpointErrors()] });
  }

  /** Models invocable through the endpoints, as they are now (`models`, and those added with `addModel`). */
  public get models(): readonly BedrockModel[] {
    return [...this.modelList];
  }

  /** The features reachable from the VPC (selected, added, or added for the platform's own functions). */
  public get features(): BedrockFeature[] {
    return [...this.featureEndpoints.keys()];
  }

  /** Endpoint ID of each support endpoint added with `addSupportEndpoint`. */
  public get supportEndpointIds(): Readonly<Partial<Record<SupportEndpoint, string>>> {
    return Object.fromEntries([...this.supportEndpointMap].map(([s, e]) => [s, e.vpcEndpointId]));
  }

  /** The endpoint of each reachable feature. */
  public get endpoints(): ReadonlyMap<BedrockFeature, ec2.IInterfaceVpcEndpoint> {
    return this.featureEndpoints;
  }

  /**
   * Lets callers invoke `models` through the endpoints too, checked as the `models` prop is. A
   * model already allowed is not added again. The endpoint policies are rendered at synth time, so
   * every model added before then counts.
   */
  public addModel(...models: BedrockModel[]): void {
    // Checked in place, so an error names the position the model would take in `models`.
    const checked = validateEndpointModels(this, 'models', [...this.modelList, ...models]).slice(this.modelList.length);
    this.addUniqueModels(checked);
  }

  /**
   * Adds an endpoint for `feature` (every catalog action of the feature, the allowed models,
   * principals and API-key setting), checked as the `features` prop is; returns the existing
   * endpoint when the feature has one already.
   */
  public addFeature(feature: BedrockFeature): ec2.IInterfaceVpcEndpoint {
    requireOneOf(this, 'feature', feature, ALL_BEDROCK_FEATURES);
    const present = this.featureEndpoints.get(feature);
    if (present) return present;
    this.requireModelsFor([feature]);
    return this.addFeatureEndpoint(feature);
  }

  /**
   * The endpoint policy this construct applies to `feature`'s endpoint, as it is now. For an
   * existing endpoint, hand it to the endpoint's owner.
   */
  public endpointPolicy(feature: BedrockFeature): iam.PolicyDocument {
    return new iam.PolicyDocument({ statements: this.featureStatements(feature) });
  }

  /**
   * Adds an endpoint for an AWS service the platform's functions call from the VPC (once per
   * service). S3 is a gateway endpoint on the application subnets' route tables; the others are
   * interface endpoints like the Bedrock ones. `BEDROCK` and `BEDROCK_RUNTIME` add the matching
   * feature endpoint, with its least-privilege policy.
   */
  public addSupportEndpoint(endpoint: SupportEndpoint): ec2.IVpcEndpoint {
    requireOneOf(this, 'endpoint', endpoint, Object.values(SupportEndpoint));
    const feature = SUPPORT_FEATURES[endpoint];
    if (feature) return this.featureEndpoints.get(feature) ?? this.addFeatureEndpoint(feature);
    const existing = this.supportEndpointMap.get(endpoint) ?? this.existingSupport[endpoint];
    const record = vpcRecord(this.vpc);
    if (existing) {
      this.supportEndpointMap.set(endpoint, existing);
      if (!record.endpoints.has(endpoint)) record.endpoints.set(endpoint, { owner: this.node.path, endpoint: existing, created: false });
      return existing;
    }
    const statements = supportEndpointStatements(this, endpoint, this.principals);
    const registered = record.endpoints.get(endpoint);
    if (registered) {
      // One gateway endpoint per service and route table, one Private DNS name per service and VPC.
      if (!registered.created) {
        throw new PlatformValidationError(this, 'existingSupportEndpoints', undefined, `The VPC already has a ${endpoint} endpoint, given to ${registered.owner}: pass it here too (existingSupportEndpoints: { '${endpoint}': ... }).`);
      }
      const policy = (e: ec2.IVpcEndpoint) => JSON.stringify(Stack.of(e).resolve((e.node.defaultChild as ec2.CfnVPCEndpoint).policyDocument));
      const mine = JSON.stringify(Stack.of(registered.endpoint).resolve(new iam.PolicyDocument({ statements })));
      if (policy(registered.endpoint) !== mine) {
        throw new PlatformValidationError(this, 'principals', this.principals, `The VPC's ${endpoint} endpoint, created by ${registered.owner}, admits other principals, and a VPC takes one such endpoint: give both the same principals, or reuse that construct.`);
      }
      this.supportEndpointMap.set(endpoint, registered.endpoint);
      return registered.endpoint;
    }
    const group = new Construct(this, `${SUPPORT_IDS[endpoint]}Support`);
    let created: ec2.GatewayVpcEndpoint | ec2.InterfaceVpcEndpoint;
    if (endpoint === SupportEndpoint.S3) {
      routeTableIdsOf(this, 'vpc', this.vpc.selectSubnets(this.applicationSubnets).subnets);
      created = new ec2.GatewayVpcEndpoint(group, 'Endpoint', { vpc: this.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [this.applicationSubnets] });
    } else {
      const sg = this.newSecurityGroup(group, `${endpoint} endpoint: HTTPS from declared clients only`);
      created = new ec2.InterfaceVpcEndpoint(group, 'Endpoint', {
        vpc: this.vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(endpoint),
        subnets: this.applicationSubnets,
        securityGroups: [sg],
        open: false,
        privateDnsEnabled: true,
      });
    }
    statements.forEach((s) => created.addToPolicy(s));
    this.supportEndpointMap.set(endpoint, created);
    record.endpoints.set(endpoint, { owner: this.node.path, endpoint: created, created: true });
    return created;
  }

  /**
   * Adds the endpoints `consumer`'s functions need (derived from what is deployed, not a blanket
   * list), and makes the consumer's deploy-time resources depend on them: CloudFormation then
   * creates them after the endpoints and deletes them before, so a custom resource never runs, on
   * create, update, delete or rollback, while the path to its service is missing. A consumer in
   * another stack gets a stack dependency instead (deployed after this stack, destroyed before).
   */
  public addSupportEndpointsFor(consumer: IVpcEndpointConsumer): void {
    for (const need of consumer.requiredEndpoints) {
      const endpoint = this.addSupportEndpoint(need);
      const created = endpoint.node.defaultChild instanceof CfnResource;
      for (const dependent of consumer.endpointDependents ?? []) {
        if (created) rejectCycle(this, 'consumer', dependent, Stack.of(endpoint));
        // In another stack, the dependency becomes a stack dependency (aws-cdk-lib does that).
        if (created) dependent.node.addDependency(endpoint);
        // An imported endpoint, or one of another stack, has no resource in the dependent's
        // template: it exists before that stack and outlives it. Recorded for the pre-deploy checks.
        if (!created || Stack.of(dependent) !== Stack.of(endpoint)) recordExternalEndpoint(dependent, need);
      }
    }
  }

  protected tryEndpointId(feature: BedrockFeature): string | undefined {
    return this.featureEndpoints.get(feature)?.vpcEndpointId;
  }

  private addUniqueModels(models: readonly BedrockModel[]): void {
    for (const model of models) {
      if (!this.modelList.some((m) => sameModel(m, model))) this.modelList.push(model);
    }
  }

  private addFeatureEndpoint(feature: BedrockFeature): ec2.IInterfaceVpcEndpoint {
    const d = bedrockFeature(feature);
    if (this.useFips && !d.fipsServiceShortName) {
      throw new PlatformValidationError(this, 'useFipsEndpoints', true, `${feature} has no FIPS endpoint; features with one: ${ALL_BEDROCK_FEATURES.filter((f) => bedrockFeature(f).fipsServiceShortName).join(', ')}.`);
    }
    this.featureStatements(feature); // throws now if the policy would allow nothing
    const service = this.serviceOf(feature);
    const record = vpcRecord(this.vpc);
    const registered = record.endpoints.get(service);
    const existing = this.existingEndpoints[feature];
    if (existing) {
      this.featureEndpoints.set(feature, existing);
      if (!registered) record.endpoints.set(service, { owner: this.node.path, endpoint: existing, created: false });
      return existing;
    }
    if (registered) {
      // Private DNS: one endpoint per service and VPC answers the service's public name.
      throw new PlatformValidationError(
        this,
        'features',
        feature,
        `The VPC already has a ${service} endpoint with Private DNS (${registered.created ? 'created by' : 'given to'} ${registered.owner}), and it allows one per service: pass it as existingEndpoints: { '${feature}': ... } (a BedrockPrivateLink's endpoints.get(feature)), or add features and models to that private link instead (addFeature, addModel).`,
      );
    }
    const group = new Construct(this, d.constructId);
    const sg = this.newSecurityGroup(group, `Bedrock ${d.serviceShortName} endpoint: HTTPS from declared clients only`);
    const endpoint = new ec2.InterfaceVpcEndpoint(group, 'Endpoint', {
      vpc: this.vpc,
      service: endpointServiceOf(feature, this.useFips),
      subnets: this.applicationSubnets,
      securityGroups: [sg],
      open: false,
      privateDnsEnabled: true,
    });
    // Rendered at synth from the models as they are then (addModel): one document, each Sid once.
    (endpoint.node.defaultChild as ec2.CfnVPCEndpoint).policyDocument = Lazy.any({ produce: () => this.endpointPolicy(feature) });
    this.featureEndpoints.set(feature, endpoint);
    record.endpoints.set(service, { owner: this.node.path, endpoint, created: true });
    return endpoint;
  }

  /** Short name of `feature`'s endpoint service (FIPS or not): what Private DNS answers for. */
  private serviceOf(feature: BedrockFeature): string {
    const d = bedrockFeature(feature);
    return (this.useFips ? d.fipsServiceShortName : undefined) ?? d.serviceShortName;
  }

  /**
   * Endpoint policies over the 20,480 characters AWS accepts, measured on the rendered policy (as
   * deployed: pseudo parameters at their longest). The models are what grows a policy.
   */
  private policySizeErrors(): string[] {
    const errors: string[] = [];
    for (const [feature, endpoint] of this.featureEndpoints) {
      if (!(endpoint.node.defaultChild instanceof ec2.CfnVPCEndpoint)) continue; // existing: its owner's policy
      const lengthWith = (models: readonly BedrockModel[]) => {
        try {
          return renderedJsonLength(this, new iam.PolicyDocument({ statements: this.featureStatements(feature, models) }));
        } catch {
          return 0; // no model left for this feature: the policy is small again
        }
      };
      const length = lengthWith(this.modelList);
      if (length <= ENDPOINT_POLICY_MAX_LENGTH) continue;
      // How many of the last models must go: measured, since a profile adds an ARN per Region.
      let [fits, tooLong] = [0, this.modelList.length];
      while (tooLong - fits > 1) {
        const mid = Math.floor((fits + tooLong) / 2);
        if (lengthWith(this.modelList.slice(0, mid)) > ENDPOINT_POLICY_MAX_LENGTH) tooLong = mid;
        else fits = mid;
      }
      const keep = fits;
      const remove = this.modelList.slice(keep);
      errors.push(
        `${this.node.path}: invalid models (${this.modelList.length} models). The ${feature} endpoint policy would be ${length} characters; a VPC endpoint takes one policy of at most ${ENDPOINT_POLICY_MAX_LENGTH} characters, which cannot be split. ` +
          `Remove the last ${remove.length} models (${remove.slice(0, 5).map(String).join(', ')}${remove.length > 5 ? ', ...' : ''}), or allow a family with a pattern such as BedrockModel.parse('anthropic.claude-*').`,
      );
    }
    return errors;
  }

  /** Endpoints for the same services on this VPC made outside this library (any construct of the app). */
  private foreignEndpointErrors(): string[] {
    const ours = [...this.featureEndpoints.values(), ...this.supportEndpointMap.values()];
    const mine = [
      ...[...this.featureEndpoints].filter(([, e]) => e.node.defaultChild instanceof ec2.CfnVPCEndpoint).map(([f, e]) => [this.serviceOf(f), e, false] as const),
      ...[...this.supportEndpointMap].filter(([, e]) => e.node.defaultChild instanceof ec2.CfnVPCEndpoint).map(([s, e]) => [s as string, e, s === SupportEndpoint.S3] as const),
    ];
    const ownedElsewhere = new Set([...vpcRecord(this.vpc).endpoints.values()].map((r) => r.endpoint));
    return mine.flatMap(([service, endpoint, gateway]) => {
      const clashes = endpointsInApp(this.vpc, service, gateway, [...ours, ...ownedElsewhere]);
      return clashes.map(
        (c) => `${this.node.path}: the VPC has another ${service} endpoint, ${c.node.path}, besides ${endpoint.node.path}: ${gateway ? 'one gateway endpoint per service and route table' : 'Private DNS allows one endpoint per service and VPC'}. Pass it to this construct (existingEndpoints / existingSupportEndpoints) instead of creating a second one.`,
      );
    });
  }

  private featureStatements(feature: BedrockFeature, models: readonly BedrockModel[] = this.modelList): iam.PolicyStatement[] {
    const allowed = this.allowedActions[feature];
    const prefix = `${bedrockFeature(feature).iamPrefix}:`;
    const statements = bedrockEndpointStatements(this, feature, {
      principals: this.principals,
      models,
      actions: allowed?.map((a) => a.slice(prefix.length)),
      bearerTokens: this.bearerTokens,
    });
    if (statements.length === 0) {
      throw new PlatformValidationError(this, 'models', this.modelList.map(String), `The ${feature} endpoint would allow nothing: allow at least one ${feature === BedrockFeature.MANTLE ? 'Mantle model (BedrockModel.mantleModel)' : 'model that is not a Mantle model'} or more actions.`);
    }
    return statements;
  }

  private newSecurityGroup(scope: Construct, description: string): ec2.SecurityGroup {
    // No egress: an endpoint only answers connections, and security groups are stateful.
    const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc: this.vpc, description, allowAllOutbound: false });
    this.addClientSecurityGroup(sg);
    return sg;
  }

  private validatePrincipals(principals: EndpointPrincipals): EndpointPrincipals {
    rejectWith(this, 'principals.organizationId', principals.organizationId !== undefined, { 'principals.accounts': principals.accounts }, 'the endpoint admits either an organization or a list of accounts.');
    if (principals.organizationId !== undefined) {
      requirePattern(this, 'principals.organizationId', principals.organizationId, ORGANIZATION_ID, "an AWS Organizations ID such as 'o-a1b2c3d4e5'");
    }
    if (principals.accounts !== undefined && isResolved(principals.accounts) && principals.accounts.length === 0) {
      throw new PlatformValidationError(this, 'principals.accounts', [], 'Name at least one account, or leave accounts unset to admit this account.');
    }
    (principals.accounts ?? []).forEach((a, i) => requireAccountId(this, `principals.accounts[${i}]`, a));
    return principals;
  }

  private validateFeatureOptions(features: BedrockFeature[]): void {
    const notSelected = (prop: string, keys: string[]) => {
      const extra = keys.filter((k) => !features.includes(k as BedrockFeature));
      if (extra.length) {
        throw new PlatformValidationError(this, prop, extra, `Only selected features can be configured; selected: ${features.join(', ')}.`);
      }
    };
    notSelected('existingEndpoints', Object.keys(this.existingEndpoints));
    notSelected('allowedActions', Object.keys(this.allowedActions));
    for (const [feature, actions] of Object.entries(this.allowedActions) as Array<[BedrockFeature, readonly string[]]>) {
      const catalog = featureActions(feature);
      const unknown = actions.filter((a) => !catalog.includes(a));
      if (actions.length === 0 || unknown.length) {
        throw new PlatformValidationError(this, `allowedActions.${feature}`, unknown.length ? unknown : actions, `Must be a non-empty subset of the feature's catalog actions (BEDROCK_FEATURE_CATALOG), e.g. ${catalog.slice(0, 3).join(', ')}.`);
      }
    }
    this.requireModelsFor(features);
  }

  /** The models `features` need: Mantle models for MANTLE, another model for the features that invoke. */
  private requireModelsFor(features: BedrockFeature[]): void {
    if (features.includes(BedrockFeature.MANTLE) && mantleModelsOf(this.modelList).length === 0) {
      throw new PlatformValidationError(this, 'models', this.modelList.map(String), "The MANTLE feature is selected: add the Mantle models callers may use, e.g. BedrockModel.mantleModel('openai.gpt-oss-120b').");
    }
    const invokes = features.filter((f) => f !== BedrockFeature.MANTLE && bedrockFeature(f).modelActions.length > 0);
    if (invokes.length && endpointModelArns(this, this.modelList).length === 0) {
      throw new PlatformValidationError(this, 'models', this.modelList.map(String), `${invokes.join(', ')} invoke models: allow at least one that is not a Mantle model.`);
    }
  }
}

/** Endpoints of another stack or team: IDs, VPC and (optionally) security groups only. */
class ImportedBedrockPrivateLink extends BedrockPrivateLinkBase {
  public readonly vpc: ec2.IVpc;
  public readonly applicationSubnets: ec2.SubnetSelection;
  public readonly supportEndpointIds: Readonly<Partial<Record<SupportEndpoint, string>>>;
  protected readonly useFips: boolean;
  private readonly ids: Readonly<Partial<Record<BedrockFeature, string>>>;

  constructor(scope: Construct, id: string, attrs: BedrockPrivateLinkAttributes) {
    super(scope, id);
    attrs = requireProps(this, attrs, "{ vpc, endpointIds: { 'bedrock-runtime': 'vpce-0123456789abcdef0' } }");
    this.vpc = requireVpc(this, 'vpc', attrs.vpc);
    requireList(this, 'endpointSecurityGroups', attrs.endpointSecurityGroups, 'security groups (ec2.SecurityGroup.fromSecurityGroupId)');
    this.applicationSubnets = attrs.applicationSubnets ?? {};
    this.useFips = attrs.useFipsEndpoints ?? false;
    const entries = Object.entries(attrs.endpointIds ?? {}).filter(([, v]) => v !== undefined) as Array<[string, string]>;
    if (entries.length === 0) {
      throw new PlatformValidationError(this, 'endpointIds', attrs.endpointIds, `Name the endpoint ID of at least one feature, e.g. { '${BedrockFeature.RUNTIME}': 'vpce-0123456789abcdef0' }.`);
    }
    for (const [feature, endpointId] of entries) {
      requireOneOf(this, 'endpointIds', feature, ALL_BEDROCK_FEATURES);
      requirePattern(this, `endpointIds.${feature}`, endpointId, VPC_ENDPOINT_ID, 'a VPC endpoint ID such as vpce-0123456789abcdef0');
      if (this.useFips && !bedrockFeature(feature as BedrockFeature).fipsServiceShortName) {
        throw new PlatformValidationError(this, 'useFipsEndpoints', true, `${feature} has no FIPS endpoint; features with one: ${ALL_BEDROCK_FEATURES.filter((f) => bedrockFeature(f).fipsServiceShortName).join(', ')}.`);
      }
    }
    this.ids = Object.fromEntries(entries);
    const support = Object.entries(attrs.supportEndpointIds ?? {}).filter(([, v]) => v !== undefined) as Array<[string, string]>;
    const services = Object.values(SupportEndpoint).filter((s) => SUPPORT_FEATURES[s] === undefined);
    for (const [service, endpointId] of support) {
      if (SUPPORT_FEATURES[service as SupportEndpoint]) {
        throw new PlatformValidationError(this, 'supportEndpointIds', service, `It is a Bedrock feature: name its endpoint in endpointIds['${SUPPORT_FEATURES[service as SupportEndpoint]}'].`);
      }
      requireOneOf(this, 'supportEndpointIds', service, services);
      requirePattern(this, `supportEndpointIds.${service}`, endpointId, VPC_ENDPOINT_ID, 'a VPC endpoint ID such as vpce-0123456789abcdef0');
    }
    this.supportEndpointIds = Object.fromEntries(support);
    (attrs.endpointSecurityGroups ?? []).forEach((sg) => this.addClientSecurityGroup(sg));
  }

  public get features(): BedrockFeature[] {
    return ALL_BEDROCK_FEATURES.filter((f) => this.ids[f] !== undefined);
  }

  /**
   * Nothing can be added to endpoints of another owner: the consumer's needs must be among the
   * endpoints declared, and its deploy-time resources are recorded as relying on external ones.
   */
  public addSupportEndpointsFor(consumer: IVpcEndpointConsumer): void {
    const provided = (need: SupportEndpoint) => {
      const feature = SUPPORT_FEATURES[need];
      return feature ? this.ids[feature] : this.supportEndpointIds[need];
    };
    const missing = consumer.requiredEndpoints.filter((need) => provided(need) === undefined);
    if (missing.length) {
      throw new PlatformValidationError(
        this,
        'supportEndpointIds',
        missing,
        `${consumer instanceof Construct ? consumer.node.path : 'The consumer'}'s functions call these services, and an imported private link cannot add endpoints: declare the ones the VPC's owner provides (supportEndpointIds; endpointIds for bedrock and bedrock-runtime), or have them added.`,
      );
    }
    for (const need of consumer.requiredEndpoints) {
      for (const dependent of consumer.endpointDependents ?? []) recordExternalEndpoint(dependent, need);
    }
  }

  protected tryEndpointId(feature: BedrockFeature): string | undefined {
    return this.ids[feature];
  }

  protected override checkClientsCanBeAdmitted(peers: ec2.IPeer[]): void {
    if (!this.hasClientSecurityGroups) {
      throw new PlatformValidationError(
        this,
        'endpointSecurityGroups',
        undefined,
        `Cannot admit ${peers.map((p) => p.uniqueId).join(', ')}: these endpoints were imported without their security groups. Pass endpointSecurityGroups to BedrockPrivateLink.fromPrivateLinkAttributes (e.g. ec2.SecurityGroup.fromSecurityGroupId(this, 'RuntimeEndpointSg', 'sg-...')), or ask the endpoints' owner to admit them on TCP 443.`,
      );
    }
  }
}
