import { CfnResource, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel, DEFAULT_TEXT_MODELS } from '../core/bedrock-model';
import { IVpcEndpointConsumer, recordExternalEndpoint, SupportEndpoint } from '../core/endpoint-needs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireAccountId, requireIntegerInRange, requireIpv4Cidr, requireOneOf, requirePattern } from '../core/validate';
import { ALL_BEDROCK_FEATURES, BedrockFeature, bedrockFeature, endpointServiceOf, featureActions } from './bedrock-features';
import { BearerTokenAccess, bedrockEndpointStatements, EndpointPrincipals, supportEndpointStatements } from './endpoint-policies';
import { endpointModelArns, mantleModelsOf, validateEndpointModels } from './model-access';
import { knownAvailabilityZones, knownVpcCidr, rejectWith, routeTableIdsOf, subnetsAcrossZones } from './network-validation';
import { lockedDownVpc } from './locked-down-vpc';
import { VpcFlowLog } from './vpc-flow-log';

/** A set of Bedrock interface endpoints in a VPC, as other constructs see it. */
export interface IBedrockPrivateLink extends IConstruct {
  /** The VPC the endpoints live in. */
  readonly vpc: ec2.IVpc;
  /** Subnets that hold the endpoints. */
  readonly applicationSubnets: ec2.SubnetSelection;
  /** Endpoint ID of each reachable feature, for `aws:SourceVpce` conditions. */
  readonly endpointIds: Readonly<Partial<Record<BedrockFeature, string>>>;
  /** IDs of every Bedrock endpoint, rendered at synth time (later additions included). */
  readonly bedrockEndpointIds: string[];
  /** The endpoint ID of `feature`; throws if the feature has no endpoint. */
  endpointId(feature: BedrockFeature): string;
  /** Admits `peers` on TCP 443 to every endpoint this construct created, now and later. */
  allowClients(...peers: ec2.IPeer[]): void;
}

/** Properties of a {@link BedrockPrivateLink}. */
export interface BedrockPrivateLinkProps {
  /** The Bedrock features reachable from the VPC: one endpoint each. At least one. */
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
   * CIDR block of the new VPC (AWS allows /16 to /28).
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /**
   * Availability Zones of the new VPC.
   * @default 2
   */
  readonly maxAzs?: number;
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
   * here; a bare `*` is not. Image and video models are refused unless listed.
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
  /**
   * Key that encrypts the new VPC's flow logs.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long the new VPC's flow records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow-log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
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

/**
 * Path 2, PrivateLink: one interface endpoint per selected Bedrock feature, each with Private DNS,
 * its own security group (TCP 443 from the declared clients only) and its own endpoint policy
 * (the feature's actions only, the allowed models only, principals of this account or
 * organization only). A feature not selected has no endpoint and cannot be reached from a VPC
 * without an internet route. Endpoint IDs are exposed for `aws:SourceVpce` conditions.
 */
export class BedrockPrivateLink extends Construct implements IBedrockPrivateLink {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** Subnets that hold the endpoints, where clients (and the platform's Lambdas) run. */
  public readonly applicationSubnets: ec2.SubnetSelection;
  /** Models invocable through the endpoints. */
  public readonly models: readonly BedrockModel[];
  /** Whose principals may use the endpoints. */
  public readonly principals: EndpointPrincipals;
  /** Flow logs of the new VPC (none for an existing VPC). */
  public readonly flowLog?: VpcFlowLog;

  private readonly featureEndpoints = new Map<BedrockFeature, ec2.IInterfaceVpcEndpoint>();
  private readonly supportEndpointMap = new Map<SupportEndpoint, ec2.IVpcEndpoint>();
  private readonly securityGroups: ec2.SecurityGroup[] = [];
  private readonly clients: ec2.IPeer[] = [];
  private readonly useFips: boolean;
  private readonly bearerTokens: BearerTokenAccess;
  private readonly allowedActions: Readonly<Partial<Record<BedrockFeature, readonly string[]>>>;
  private readonly existingSupport: Readonly<Partial<Record<SupportEndpoint, ec2.IVpcEndpoint>>>;
  private readonly existingEndpoints: Readonly<Partial<Record<BedrockFeature, ec2.IInterfaceVpcEndpoint>>>;

  constructor(scope: Construct, id: string, props: BedrockPrivateLinkProps) {
    super(scope, id);
    const features = [...new Set(props.features ?? [])];
    if (features.length === 0) {
      throw new PlatformValidationError(this, 'features', props.features, `A private path needs at least one feature to reach. Allowed values: ${ALL_BEDROCK_FEATURES.join(', ')}.`);
    }
    features.forEach((f) => requireOneOf(this, 'features', f, ALL_BEDROCK_FEATURES));
    rejectWith(this, 'vpc', props.vpc !== undefined, {
      vpcCidr: props.vpcCidr,
      maxAzs: props.maxAzs,
      encryptionKey: props.encryptionKey,
      flowLogRetention: props.flowLogRetention,
      removalPolicy: props.removalPolicy,
    }, 'they shape a VPC this construct creates; an existing VPC keeps its own CIDR, zones and flow logs.');

    this.principals = this.validatePrincipals(props.principals ?? {});
    this.models = validateEndpointModels(this, 'models', props.models ?? DEFAULT_TEXT_MODELS);
    this.useFips = props.useFipsEndpoints ?? false;
    this.bearerTokens = requireOneOf(this, 'bearerTokens', props.bearerTokens ?? BearerTokenAccess.NONE, Object.values(BearerTokenAccess));
    this.allowedActions = props.allowedActions ?? {};
    this.existingEndpoints = props.existingEndpoints ?? {};
    this.existingSupport = props.existingSupportEndpoints ?? {};
    this.validateFeatureOptions(features);

    if (props.vpc) {
      this.vpc = props.vpc;
      this.applicationSubnets = props.subnets ?? {};
    } else {
      const cidr = requireIpv4Cidr(this, 'vpcCidr', props.vpcCidr ?? '10.0.0.0/16', 16, 28);
      const zones = knownAvailabilityZones(this);
      const maxAzs = requireIntegerInRange(this, 'maxAzs', props.maxAzs ?? 2, 1, zones?.length ?? 6);
      const vpc = lockedDownVpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(cidr),
        maxAzs,
        natGateways: 0,
        // Isolated only: no internet gateway, no NAT, so no route to the internet exists to misuse.
        subnetConfiguration: [{ name: 'Application', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        createInternetGateway: false,
      });
      this.vpc = vpc;
      this.applicationSubnets = props.subnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
      this.flowLog = new VpcFlowLog(this, 'FlowLog', {
        vpc,
        encryptionKey: props.encryptionKey,
        retention: props.flowLogRetention,
        removalPolicy: props.removalPolicy,
      });
    }
    subnetsAcrossZones(this, 'subnets', this.vpc, this.applicationSubnets, 1, 6);

    if (props.clients !== undefined && props.clients.length === 0) {
      throw new PlatformValidationError(this, 'clients', [], 'Name at least one client peer (a security group or CIDR), or leave clients unset to admit the VPC CIDR.');
    }
    const vpcCidr = knownVpcCidr(this.vpc);
    if (props.clients === undefined && vpcCidr === undefined) {
      throw new PlatformValidationError(this, 'clients', undefined, 'The VPC CIDR is unknown (import the VPC with vpcCidrBlock), so name the client peers explicitly.');
    }
    // A literal CIDR rather than the VPC's GetAtt, so compliance rules can read the rule.
    this.clients.push(...(props.clients ?? [ec2.Peer.ipv4(vpcCidr!)]));

    for (const feature of features) this.addFeatureEndpoint(feature);
  }

  /** Endpoint ID of each reachable feature. */
  public get endpointIds(): Readonly<Partial<Record<BedrockFeature, string>>> {
    return Object.fromEntries([...this.featureEndpoints].map(([f, e]) => [f, e.vpcEndpointId]));
  }

  /**
   * IDs of every Bedrock endpoint of this construct (selected features, and feature endpoints added
   * later for deploy-time functions), rendered at synth time: for `aws:SourceVpce` conditions that
   * must cover every way into Bedrock the platform opens, and no other.
   */
  public get bedrockEndpointIds(): string[] {
    return Lazy.list({ produce: () => [...this.featureEndpoints.values()].map((e) => e.vpcEndpointId) });
  }

  /** Endpoint ID of each support endpoint added with `addSupportEndpoint`. */
  public get supportEndpointIds(): Readonly<Partial<Record<SupportEndpoint, string>>> {
    return Object.fromEntries([...this.supportEndpointMap].map(([s, e]) => [s, e.vpcEndpointId]));
  }

  /** The features reachable from the VPC (selected, or added for the platform's own functions). */
  public get features(): BedrockFeature[] {
    return [...this.featureEndpoints.keys()];
  }

  /** The endpoint of each reachable feature. */
  public get endpoints(): ReadonlyMap<BedrockFeature, ec2.IInterfaceVpcEndpoint> {
    return this.featureEndpoints;
  }

  /** The endpoint ID of `feature`; throws if the feature has no endpoint. */
  public endpointId(feature: BedrockFeature): string {
    const endpoint = this.featureEndpoints.get(feature);
    if (!endpoint) {
      throw new PlatformValidationError(this, 'feature', feature, `It has no endpoint here. Reachable features: ${this.features.join(', ')}.`);
    }
    return endpoint.vpcEndpointId;
  }

  /**
   * The endpoint policy this construct applies to `feature`'s endpoint. For an existing endpoint,
   * hand it to the endpoint's owner.
   */
  public endpointPolicy(feature: BedrockFeature): iam.PolicyDocument {
    return new iam.PolicyDocument({ statements: this.featureStatements(feature) });
  }

  /** Admits `peers` on TCP 443 to every endpoint this construct created, now and later. */
  public allowClients(...peers: ec2.IPeer[]): void {
    for (const peer of peers) {
      this.clients.push(peer);
      for (const sg of this.securityGroups) this.admit(sg, peer);
    }
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
    if (existing) {
      this.supportEndpointMap.set(endpoint, existing);
      return existing;
    }
    const group = new Construct(this, `${SUPPORT_IDS[endpoint]}Support`);
    const statements = supportEndpointStatements(this, endpoint, this.principals);
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
    return created;
  }

  /**
   * Adds the endpoints `consumer`'s functions need (derived from what is deployed, not a blanket
   * list), and makes the consumer's deploy-time resources depend on them: CloudFormation then
   * creates them after the endpoints and deletes them before, so a custom resource never runs, on
   * create, update, delete or rollback, while the path to its service is missing.
   */
  public addSupportEndpointsFor(consumer: IVpcEndpointConsumer): void {
    for (const need of consumer.requiredEndpoints) {
      const endpoint = this.addSupportEndpoint(need);
      // An imported endpoint has no CloudFormation resource here: it exists before the stack and
      // outlives it, which is the ordering we need; record that for the pre-deploy checks.
      const inStack = endpoint.node.defaultChild instanceof CfnResource;
      for (const dependent of consumer.endpointDependents ?? []) {
        if (inStack) dependent.node.addDependency(endpoint);
        else recordExternalEndpoint(dependent, need);
      }
    }
  }

  private addFeatureEndpoint(feature: BedrockFeature): ec2.IInterfaceVpcEndpoint {
    const d = bedrockFeature(feature);
    if (this.useFips && !d.fipsServiceShortName) {
      throw new PlatformValidationError(this, 'useFipsEndpoints', true, `${feature} has no FIPS endpoint; features with one: ${ALL_BEDROCK_FEATURES.filter((f) => bedrockFeature(f).fipsServiceShortName).join(', ')}.`);
    }
    const existing = this.existingEndpoints[feature];
    if (existing) {
      this.featureEndpoints.set(feature, existing);
      return existing;
    }
    const statements = this.featureStatements(feature);
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
    statements.forEach((s) => endpoint.addToPolicy(s));
    this.featureEndpoints.set(feature, endpoint);
    return endpoint;
  }

  private featureStatements(feature: BedrockFeature): iam.PolicyStatement[] {
    const allowed = this.allowedActions[feature];
    const prefix = `${bedrockFeature(feature).iamPrefix}:`;
    const statements = bedrockEndpointStatements(this, feature, {
      principals: this.principals,
      models: this.models,
      actions: allowed?.map((a) => a.slice(prefix.length)),
      bearerTokens: this.bearerTokens,
    });
    if (statements.length === 0) {
      throw new PlatformValidationError(this, 'models', this.models.map(String), `The ${feature} endpoint would allow nothing: allow at least one ${feature === BedrockFeature.MANTLE ? 'Mantle model (BedrockModel.mantleModel)' : 'model that is not a Mantle model'} or more actions.`);
    }
    return statements;
  }

  private newSecurityGroup(scope: Construct, description: string): ec2.SecurityGroup {
    // No egress: an endpoint only answers connections, and security groups are stateful.
    const sg = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc: this.vpc, description, allowAllOutbound: false });
    this.securityGroups.push(sg);
    for (const peer of this.clients) this.admit(sg, peer);
    return sg;
  }

  private admit(sg: ec2.SecurityGroup, peer: ec2.IPeer): void {
    sg.addIngressRule(peer, ec2.Port.tcp(443), `HTTPS from ${peer.uniqueId}`.slice(0, 255));
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
    if (features.includes(BedrockFeature.MANTLE) && mantleModelsOf(this.models).length === 0) {
      throw new PlatformValidationError(this, 'models', this.models.map(String), "The MANTLE feature is selected: add the Mantle models callers may use, e.g. BedrockModel.mantleModel('openai.gpt-oss-120b').");
    }
    const invokes = features.filter((f) => f !== BedrockFeature.MANTLE && bedrockFeature(f).modelActions.length > 0);
    if (invokes.length && endpointModelArns(this, this.models).length === 0) {
      throw new PlatformValidationError(this, 'models', this.models.map(String), `${invokes.join(', ')} invoke models: allow at least one that is not a Mantle model.`);
    }
  }
}
