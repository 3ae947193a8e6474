import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BedrockModel, BedrockModelKind, DEFAULT_TEXT_MODELS, INVOCABLE_MODEL_KINDS, requireModels } from './core/bedrock-model';
import { IVpcEndpointConsumer } from './core/endpoint-needs';
import { PlatformValidationError } from './core/errors';
import { optionalConstruct } from './core/validate';
import { PlatformKey, PlatformKeyProps } from './core/platform-key';
import { AlertDestinationProps, AlertTopic, IAlertTopic } from './governance/alert-topic';
import { BedrockAuditTrail, BedrockAuditTrailProps, IBedrockAuditTrail } from './governance/bedrock-audit-trail';
import { HighRiskActivityAlerts } from './governance/high-risk-activity-alerts';
import { ModelInvocationLogging, ModelInvocationLoggingProps } from './governance/model-invocation-logging';
import { platformConfigRules, PlatformConfigRules, PlatformConfigRulesProps } from './governance/platform-config-rules';
import { ModelAccessPreflight, ModelAccessPreflightProps } from './governance/model-access-preflight';
import { BedrockMonitoring, BedrockMonitoringProps } from './observability/bedrock-monitoring';
import { BedrockBudget, BedrockBudgetProps } from './observability/bedrock-budget';
import { BedrockHealthEvents, BedrockHealthEventsProps } from './observability/bedrock-health-events';
import { AlarmSeverity } from './observability/monitoring-thresholds';
import { OnCallIncidentResponse, OnCallIncidentResponseProps } from './observability/on-call-incident-response';
import { GuardrailPresets } from './guardrails/guardrail-presets';
import { IPolicyGuardrail, PolicyGuardrail, PolicyGuardrailProps } from './guardrails/policy-guardrail';
import { SecureKnowledgeBase, SecureKnowledgeBaseProps } from './knowledge/secure-knowledge-base';
import { HighRiskActivity } from './governance/high-risk-activity';
import { ThroughputScaler, ThroughputScalerProps } from './throughput/throughput-scaler';
import { BedrockFeature } from './network/bedrock-features';
import { BedrockPrivateLink, BedrockPrivateLinkProps } from './network/bedrock-private-link';
import { DirectConnectPath, DirectConnectPathProps } from './network/direct-connect-path';
import { PublicPath, PublicPathProps } from './network/public-path';
import { BedrockAuditorRole, BedrockAuditorRoleProps } from './identity/auditor-role';
import { BedrockEnforcement, BedrockEnforcementProps } from './identity/bedrock-enforcement';
import { BedrockBuilderRole, BedrockBuilderRoleProps } from './identity/builder-role';
import { INVOKER_MODEL_REQUIREMENTS } from './identity/invoker-policy';
import { BedrockInvokerRole, BedrockInvokerRoleProps } from './identity/invoker-role';
import { BedrockOperatorRole, BedrockOperatorRoleProps } from './identity/operator-role';
import { AccessLogsBucket } from './data-protection/secure-bucket';

/**
 * The models CloudWatch reports per ModelId in this stack's Region: not patterns (`anthropic.*`),
 * Mantle models (another endpoint and namespace) or custom models (invoked through a deployment or
 * provisioned throughput, which are listed themselves).
 */
function monitorableModels(scope: Construct, models: readonly BedrockModel[]): BedrockModel[] {
  const region = Stack.of(scope).region;
  return models.filter(
    (m) =>
      !m.identifier.includes('*') &&
      m.kind !== undefined &&
      INVOCABLE_MODEL_KINDS.includes(m.kind) &&
      (m.region === undefined || Token.isUnresolved(region) || m.region === region),
  );
}

/** Whether the `audit` prop is an existing trail rather than the settings of a new one. */
function isExistingTrail(audit: BedrockPlatformProps['audit']): audit is IBedrockAuditTrail {
  return typeof audit === 'object' && audit !== null && typeof (audit as IBedrockAuditTrail).grantReadLogFiles === 'function';
}

/** What an auditor reads: the props of a {@link BedrockAuditorRole} that name the platform's records. */
export interface AuditedResources {
  /** Key that encrypts the records (decrypt is granted through S3 and CloudWatch Logs only). */
  readonly encryptionKey: kms.IKey;
  /** The platform's trail, when it created one. */
  readonly trailArns: string[];
  /** The log group the trail copies events to. */
  readonly auditLogGroups: logs.ILogGroup[];
  /** The trail's log-file bucket. */
  readonly auditBuckets: s3.IBucket[];
  /** The invocation-log group (prompts and responses: read only with `allowPromptPayloads`). */
  readonly invocationLogGroups: logs.ILogGroup[];
  /** The invocation-log bucket. */
  readonly invocationLogBuckets: s3.IBucket[];
}

/** How applications reach Bedrock. PrivateLink is the default; the others are opt-in. */
export interface PlatformNetworkProps {
  /**
   * An existing VPC (e.g. the account's shared network) for the private path: the endpoints, and the
   * platform's deploy-time function, go into its private subnets (or `privateLink.subnets`).
   * Not with `publicPath`, which creates its own VPC.
   * @default a new isolated VPC (or the public path's VPC)
   */
  readonly vpc?: ec2.IVpc;
  /**
   * Path 1, public: a VPC whose applications reach Bedrock through NAT and an internet gateway.
   * When set, the PrivateLink endpoints (if any) go into this VPC.
   * @default no public path
   */
  readonly publicPath?: PublicPathProps;
  /**
   * Path 2, PrivateLink: interface endpoints per Bedrock feature. Set `false` to have none (then
   * the platform's own deploy-time function runs outside any VPC). Its models are the platform's
   * `models`.
   * @default `{ features: [RUNTIME, AGENTS_RUNTIME] }` in a new isolated VPC (no NAT, no internet route)
   */
  readonly privateLink?: Omit<BedrockPrivateLinkProps, 'vpc' | 'encryptionKey' | 'models'> | false;
  /**
   * Path 3, Direct Connect from the corporate network to the PrivateLink VPC, with an inbound
   * resolver for on-premises DNS. Needs `privateLink`.
   * @default no Direct Connect path
   */
  readonly directConnect?: Omit<DirectConnectPathProps, 'vpc' | 'privateLink'>;
}

/**
 * The platform's personas and enforcement switches. Each persona is created when its props are
 * given (its `trust` says who may assume it); the facade fills in the key, the enforcement, the
 * audit stores and the logging role.
 */
export interface PlatformAccessProps {
  /**
   * Enforcement on every persona (and as an SCP document). `requirePrivatePath: true` takes the
   * PrivateLink endpoint IDs of this platform.
   * @default no enforcement
   */
  readonly enforcement?: Omit<BedrockEnforcementProps, 'requirePrivatePath'> & { readonly requirePrivatePath?: boolean };
  /** Application runtime: invoke the platform's `models`. @default no invoker role */
  readonly invoker?: Omit<BedrockInvokerRoleProps, 'encryptionKey' | 'enforcement' | 'models'>;
  /** Builds knowledge bases, guardrails, prompts, agents. @default no builder role */
  readonly builder?: Omit<BedrockBuilderRoleProps, 'encryptionKey' | 'enforcement'>;
  /** Runs provisioned throughput, logging configuration, alarms. @default no operator role */
  readonly operator?: Omit<BedrockOperatorRoleProps, 'enforcement' | 'invocationLoggingRole'>;
  /** Reads configuration, the trail and the log stores. @default no auditor role */
  readonly auditor?: Omit<BedrockAuditorRoleProps, 'encryptionKey' | 'enforcement' | 'trailArns' | 'auditLogGroups' | 'auditBuckets' | 'invocationLogGroups' | 'invocationLogBuckets'>;
}

/** Properties of a {@link BedrockPlatform}. */
export interface BedrockPlatformProps extends AlertDestinationProps {
  /**
   * An existing customer-managed key to encrypt everything with (the `key` of `PlatformKey.fromPlatformKeyAttributes`).
   * Its policy must already admit the services the platform uses: the synth warnings name each
   * missing statement (`PlatformKey.consumerStatements` renders them).
   * @default a new {@link PlatformKey} owned by the platform (`<platform>/Key`)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Settings of the new platform key; ignored when `encryptionKey` is given.
   * @default PlatformKey defaults
   */
  readonly key?: PlatformKeyProps;

  /**
   * The models applications may invoke, listed once: the private path's endpoint policies (runtime,
   * agents runtime, Mantle) and the invoker persona's IAM policy are both derived from this list,
   * so they allow the same models. Build entries with `BedrockModel.parse('us.amazon.nova-pro-v1:0')`
   * or a factory. The invoker gets every model but Mantle models (reached with bedrock-mantle
   * actions, which it does not hold); with an invoker, `*` patterns are refused (IAM grants name
   * exact models) and application profiles need their source.
   * @default DEFAULT_TEXT_MODELS (Amazon Nova Micro/Lite/Pro and Titan Text Embeddings V2, on demand in the stack's Region)
   */
  readonly models?: readonly BedrockModel[];

  /**
   * An existing bucket for the S3 server access logs of every bucket the platform creates (e.g. the
   * account's central access-log bucket). It must accept S3 log delivery.
   * @default a new {@link AccessLogsBucket}, shared by the platform's buckets
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Connection paths to Bedrock.
   * @default PrivateLink only, in a new isolated VPC
   */
  readonly network?: PlatformNetworkProps;

  /**
   * CloudTrail trail and high-risk activity alerts: settings of a new trail, an existing one (e.g. the
   * organization trail, `BedrockAuditTrail.fromTrailAttributes`: then the platform creates no trail,
   * only the high-risk alerts on the events it delivers), or `false` for neither.
   * @default a multi-Region trail with management and Bedrock data events, and alerts
   */
  readonly audit?: Omit<BedrockAuditTrailProps, 'encryptionKey' | 'accessLogsBucket'> | IBedrockAuditTrail | false;

  /**
   * Model invocation logging. The setting is one per account and Region: a second platform in the
   * same account and Region (or an account where someone else owns the setting) passes `false`,
   * which leaves the setting alone.
   * @default logs to a KMS-encrypted log group and bucket, all modalities
   */
  readonly invocationLogging?: Omit<ModelInvocationLoggingProps, 'encryptionKey' | 'accessLogsBucket' | 'vpc' | 'deliveryFailureAlarms'> | false;

  /**
   * Dashboards and alarms (severity-keyed, to the alert topic) on the platform's models, the
   * required guardrail and invocation-log delivery; `false` for none.
   * @default monitoring of every model in `models` that Bedrock reports metrics for in this Region
   *   (none when there is no such model: only Mantle models or patterns)
   */
  readonly monitoring?: Omit<BedrockMonitoringProps, 'models' | 'encryptionKey' | 'invocationLogging' | 'alertTopic' | 'alertEmails'> | false;

  /**
   * The platform guardrail: the props of a new {@link PolicyGuardrail} (merged over
   * `GuardrailPresets.balanced()`), an existing guardrail, or `false` for none. Every persona the
   * platform builds must name its pinned version (`access.enforcement.requireGuardrail` defaults to
   * it), the invoker may apply it, and monitoring watches it.
   * @default a new guardrail with the balanced preset, encrypted with the platform key
   */
  readonly guardrail?: PolicyGuardrailProps | IPolicyGuardrail | false;

  /**
   * A deploy-time check that the account can use every model in `models` in this Region (offered
   * here, agreement accepted, entitlement): the deployment fails with what is missing and how to fix
   * it. `npm run preflight` runs the same check from a terminal.
   * @default no preflight
   */
  readonly preflight?: boolean | Omit<ModelAccessPreflightProps, 'models' | 'encryptionKey' | 'vpc' | 'vpcSubnets'>;

  /**
   * A knowledge base (RAG) on Amazon S3 Vectors, encrypted with the platform key, alerting to the
   * platform's topic; the invoker may query it. Opt in with `{}` or its settings.
   * @default no knowledge base
   */
  readonly knowledgeBase?: Omit<SecureKnowledgeBaseProps, 'encryptionKey' | 'alertTopic' | 'alertEmails' | 'accessLogsBucket'>;

  /**
   * A scaled pool of no-commitment provisioned throughput for one model (it bills per model-unit-hour
   * from the first unit: opt in). Its own purchases and deletions reach the high-risk alerts as
   * information; anyone else's still alert.
   * @default none
   */
  readonly throughput?: Omit<ThroughputScalerProps, 'encryptionKey'>;

  /**
   * A monthly AWS Budgets cost budget for Bedrock (first- and third-party models), notifying the
   * alert topic at 50/80/100% of actual and 100% of forecast spend. Needs an `amount`.
   * @default no budget
   */
  readonly budget?: Omit<BedrockBudgetProps, 'alertTopic'>;

  /**
   * AWS Config rules for the platform's promises (trail enabled, validated and encrypted; the
   * platform's buckets TLS-only and encrypted; keys rotated; the endpoints present) and an
   * invocation-logging drift rule; NON_COMPLIANT transitions go to the alert topic. The periodic
   * rules run without a configuration recorder; the bucket rules use the account's existing one
   * (AWS Control Tower runs one in every enrolled account): the platform creates none. `false` for none.
   * @default the rules, evaluated daily
   */
  readonly configRules?: Omit<PlatformConfigRulesProps, 'encryptionKey' | 'invocationLogging' | 'expectedInvocationLogging' | 'trail' | 'buckets' | 'vpc' | 'alertTopic' | 'alertEmails'> | false;

  /**
   * AWS Health events about Amazon Bedrock to the alert topic; `false` for none.
   * @default every category, for the events delivered in this stack's Region
   */
  readonly healthEvents?: Omit<BedrockHealthEventsProps, 'alertTopic' | 'alertEmails' | 'encryptionKey'> | false;

  /**
   * Incidents for on-call tooling (PagerDuty Events v2 shaped, to an encrypted topic) when a
   * critical monitoring alarm fires, resolved when it clears; `false` for none.
   * @default an incident topic without subscriptions, when monitoring has critical alarms
   */
  readonly onCall?: Omit<OnCallIncidentResponseProps, 'alarms' | 'alertTopic' | 'encryptionKey'> | false;

  /**
   * Persona roles and enforcement switches.
   * @default no roles; with any role, enforcement of the platform guardrail
   */
  readonly access?: PlatformAccessProps;
}

/** The features a default private path makes reachable: model invocation and knowledge-base retrieval. */
export const DEFAULT_PRIVATE_FEATURES: readonly BedrockFeature[] = [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME];

/**
 * The whole platform in one construct: one key, the connection paths, the audit trail and
 * invocation logging, wired with secure defaults. Each part is also usable on its own.
 */
export class BedrockPlatform extends Construct {
  /** The models applications may invoke (`models`, or the default). */
  public readonly models: readonly BedrockModel[];
  /** Key that encrypts every log group, bucket and topic of the platform. */
  public readonly encryptionKey: kms.IKey;
  /** The platform key, when this construct created it. */
  public readonly platformKey?: PlatformKey;
  /**
   * Where every bucket of the platform sends its server access logs (`accessLogsBucket`, or the one
   * created); undefined when the platform has no bucket (audit and invocation logging off, no
   * knowledge base).
   */
  public readonly accessLogsBucket?: s3.IBucket;
  /** The access-log bucket, when this construct created it. */
  public readonly accessLogs?: AccessLogsBucket;
  /** Path 1, when asked for. */
  public readonly publicPath?: PublicPath;
  /** Path 2, unless turned off. */
  public readonly privateLink?: BedrockPrivateLink;
  /** Path 3, when asked for. */
  public readonly directConnect?: DirectConnectPath;
  /** The trail the platform relies on: the one it created (`audit`) or the existing one it was given. */
  public readonly trail?: IBedrockAuditTrail;
  /** High-risk alerts on an existing trail's events, when `audit` is an existing trail. */
  public readonly highRiskAlerts?: HighRiskActivityAlerts;
  /** The audit trail and alerts it created, unless turned off or given an existing trail. */
  public readonly audit?: BedrockAuditTrail;
  /** Model invocation logging, unless turned off. */
  public readonly invocationLogging?: ModelInvocationLogging;
  /** Dashboards and alarms, unless turned off. */
  public readonly monitoring?: BedrockMonitoring;
  /** The platform guardrail, unless turned off. */
  public readonly guardrail?: IPolicyGuardrail;
  /** The model-access preflight, when asked for. */
  public readonly preflight?: ModelAccessPreflight;
  /** The knowledge base, when asked for. */
  public readonly knowledgeBase?: SecureKnowledgeBase;
  /** The provisioned-throughput pool, when asked for. */
  public readonly throughput?: ThroughputScaler;
  /** The Bedrock cost budget, when asked for. */
  public readonly budget?: BedrockBudget;
  /** The AWS Config rules, unless turned off. */
  public readonly configRules?: PlatformConfigRules;
  /** AWS Health events to the alert topic, unless turned off. */
  public readonly healthEvents?: BedrockHealthEvents;
  /** Incidents for on-call tooling from the critical alarms, unless turned off. */
  public readonly onCall?: OnCallIncidentResponse;
  /** Enforcement switches, when any is on. Its `serviceControlPolicyJson()` is the SCP for AWS Organizations. */
  public readonly enforcement?: BedrockEnforcement;
  /** Persona roles, when asked for. */
  public readonly invoker?: BedrockInvokerRole;
  public readonly builder?: BedrockBuilderRole;
  public readonly operator?: BedrockOperatorRole;
  public readonly auditor?: BedrockAuditorRole;

  constructor(scope: Construct, id: string, props: BedrockPlatformProps = {}) {
    super(scope, id);
    this.models = this.validateModels(props);
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      this.platformKey = new PlatformKey(this, 'Key', props.key);
      this.encryptionKey = this.platformKey.key;
    }
    const encryptionKey = this.encryptionKey;
    // An access-log bucket only when a bucket of the platform writes to it (an unused one is a finding).
    const existingTrail = isExistingTrail(props.audit) ? props.audit : undefined;
    const hasBuckets = (props.audit !== false && !existingTrail) || props.invocationLogging !== false || props.knowledgeBase !== undefined;
    if (props.accessLogsBucket) {
      this.accessLogsBucket = props.accessLogsBucket;
    } else if (hasBuckets) {
      this.accessLogs = new AccessLogsBucket(this, 'AccessLogs');
      this.accessLogsBucket = this.accessLogs.bucket;
    }
    const accessLogsBucket = this.accessLogsBucket;

    const network = props.network ?? {};
    if (network.vpc !== undefined && network.publicPath) {
      throw new PlatformValidationError(this, 'network.vpc', '(set)', 'network.publicPath creates its own VPC: give the existing VPC to one of them only (PublicPath takes `vpc` too).');
    }
    if (network.vpc !== undefined && network.privateLink === false) {
      throw new PlatformValidationError(this, 'network.vpc', '(set)', 'It is the private path\'s VPC, and network.privateLink is false.');
    }
    optionalConstruct(this, 'network.vpc', network.vpc, 'vpcId', 'a VPC (ec2.IVpc)', 'import it first, e.g. ec2.Vpc.fromVpcAttributes(this, id, { vpcId, ... })');
    if (network.publicPath) {
      this.publicPath = new PublicPath(this, 'PublicPath', { encryptionKey, ...network.publicPath });
    }
    if (network.privateLink !== false) {
      const privateLink = network.privateLink ?? { features: DEFAULT_PRIVATE_FEATURES };
      this.privateLink = new BedrockPrivateLink(this, 'PrivateLink', {
        ...privateLink,
        models: this.models,
        ...(this.publicPath ? { vpc: this.publicPath.vpc } : network.vpc ? { vpc: network.vpc } : { encryptionKey }),
      });
    }
    if (network.directConnect) {
      if (!this.privateLink) {
        throw new PlatformValidationError(this, 'network.privateLink', false, 'network.directConnect needs a private path: on-premises clients reach Bedrock through its endpoints.');
      }
      this.directConnect = new DirectConnectPath(this, 'DirectConnect', { ...network.directConnect, vpc: this.privateLink.vpc, privateLink: this.privateLink });
    }

    // Only Mantle models or patterns (or monitoring off): nothing to monitor per model, and the
    // invocation logging keeps its own delivery alarms.
    const monitored = props.monitoring === false ? [] : monitorableModels(this, this.models);
    if (props.guardrail !== false) {
      const given = props.guardrail as IPolicyGuardrail | PolicyGuardrailProps | undefined;
      this.guardrail =
        given && 'guardrailArn' in given
          ? given
          : new PolicyGuardrail(this, 'Guardrail', { ...GuardrailPresets.balanced(), encryptionKey, ...(given as PolicyGuardrailProps | undefined) });
    }
    if (existingTrail) {
      this.trail = existingTrail;
    } else if (props.audit !== false) {
      this.audit = new BedrockAuditTrail(this, 'Audit', { alertTopic: props.alertTopic, alertEmails: props.alertEmails, ...(props.audit as BedrockAuditTrailProps | undefined), encryptionKey, accessLogsBucket });
      this.trail = this.audit;
    }
    if (props.invocationLogging !== false) {
      // On a private path the deploy-time handler runs in the endpoint subnets, and the network
      // gets exactly the endpoints it calls.
      const privateLink = this.privateLink;
      this.invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', {
        // One topic for alerts and alarms: the audit's (which already subscribed alertEmails), or the given one.
        alertTopic: this.audit?.alerts?.alertTopic ?? props.alertTopic,
        alertEmails: this.audit?.alerts ? undefined : props.alertEmails,
        // Monitoring alarms on delivery failures (warning and critical) unless it is turned off.
        deliveryFailureAlarms: monitored.length === 0,
        ...props.invocationLogging,
        encryptionKey,
        accessLogsBucket,
        ...(privateLink ? { vpc: privateLink.vpc, vpcSubnets: privateLink.applicationSubnets } : {}),
      });
      this.admitToPrivatePath(this.invocationLogging, this.invocationLogging.handler.securityGroups);
    }
    if (existingTrail) {
      this.highRiskAlerts = new HighRiskActivityAlerts(this, 'HighRiskAlerts', { alertTopic: this.alertTopic(props), encryptionKey });
    }
    if (props.preflight) {
      const privateLink = this.privateLink;
      // Endpoint-policy patterns (`anthropic.*`) are not models one can check.
      const checkable = this.models.filter((m) => !m.identifier.includes('*'));
      if (checkable.length > 0) {
        this.preflight = new ModelAccessPreflight(this, 'ModelAccessPreflight', {
          ...(props.preflight === true ? {} : props.preflight),
          models: checkable,
          encryptionKey,
          ...(privateLink ? { vpc: privateLink.vpc, vpcSubnets: privateLink.applicationSubnets } : {}),
        });
        this.admitToPrivatePath(this.preflight, this.preflight.securityGroups);
      }
    }
    if (props.throughput) {
      this.throughput = new ThroughputScaler(this, 'Throughput', { ...props.throughput, encryptionKey });
      // The alerts on the platform's trail, or on the existing trail it was given.
      const alerts = this.audit?.alerts ?? this.highRiskAlerts;
      if (alerts?.rules[HighRiskActivity.PROVISIONED_THROUGHPUT_CHANGES]) {
        alerts.exemptAutomation(this.throughput.role.roleArn, ['CreateProvisionedModelThroughput', 'DeleteProvisionedModelThroughput']);
      }
    }
    if (props.knowledgeBase) {
      this.knowledgeBase = new SecureKnowledgeBase(this, 'KnowledgeBase', { ...props.knowledgeBase, encryptionKey, accessLogsBucket, alertTopic: this.alertTopic(props) });
    }
    if (props.configRules !== false) {
      this.configRules = platformConfigRules(this, props.configRules, {
        encryptionKey,
        invocationLogging: this.invocationLogging,
        trail: this.trail,
        buckets: [this.audit?.bucket, this.invocationLogging?.bucket, this.knowledgeBase?.documentsBucket, this.accessLogsBucket],
        // BedrockFeature values are the endpoint services' short names.
        ...(this.privateLink ? { vpc: this.privateLink.vpc, endpointServices: this.privateLink.features } : {}),
        alertTopic: this.alertTopic(props),
      });
    }
    if (props.access) {
      const access = this.createAccess(props.access);
      this.enforcement = access.enforcement;
      this.invoker = access.invoker;
      this.builder = access.builder;
      this.operator = access.operator;
      this.auditor = access.auditor;
    }
    if (monitored.length > 0 && props.monitoring !== false) {
      const guardrail = this.enforcement?.requiredGuardrail ?? this.guardrail;
      this.monitoring = new BedrockMonitoring(this, 'Monitoring', {
        ...props.monitoring,
        models: monitored,
        guardrails: props.monitoring?.guardrails ?? (guardrail ? [{ guardrailArn: guardrail.guardrailArn, guardrailVersion: guardrail.guardrailVersion }] : undefined),
        invocationLogging: this.invocationLogging,
        alertTopic: this.alertTopic(props),
        encryptionKey: this.encryptionKey,
      });
    }
    if (props.budget) {
      this.budget = new BedrockBudget(this, 'Budget', { ...props.budget, alertTopic: this.alertTopic(props) });
    }
    if (props.healthEvents !== false) {
      this.healthEvents = new BedrockHealthEvents(this, 'HealthEvents', { ...props.healthEvents, alertTopic: this.alertTopic(props), encryptionKey });
    }
    const critical = this.monitoring?.alarms.bySeverity[AlarmSeverity.CRITICAL] ?? [];
    if (props.onCall !== false && critical.length > 0) {
      this.onCall = new OnCallIncidentResponse(this, 'OnCall', { ...props.onCall, alarms: [...critical], alertTopic: this.alertTopic(props), encryptionKey });
    }
  }

  /** A deploy-time function in the private subnets gets exactly the endpoints it calls, and may reach them. */
  private admitToPrivatePath(consumer: IVpcEndpointConsumer, securityGroups: ec2.ISecurityGroup[]): void {
    if (!this.privateLink) return;
    this.privateLink.addSupportEndpointsFor(consumer);
    this.privateLink.allowClients(...securityGroups);
  }

  private sharedAlertTopic?: IAlertTopic;

  /**
   * The one topic every alert and alarm of the platform goes to: the audit's (already mailed to
   * `alertEmails`), the invocation logging's, the given one, or else one created here on first use.
   */
  private alertTopic(props: BedrockPlatformProps): IAlertTopic {
    this.sharedAlertTopic ??=
      this.audit?.alerts?.alertTopic ??
      this.invocationLogging?.alertTopic ??
      props.alertTopic ??
      new AlertTopic(this, 'Alerts', { encryptionKey: this.encryptionKey, alertEmails: props.alertEmails });
    return this.sharedAlertTopic;
  }

  /** Gives `grantee` (e.g. an existing application role) the invoker's scoped access, and the enforcement. */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    if (!this.invoker) {
      throw new PlatformValidationError(this, 'access.invoker', undefined, 'grantInvoke needs the invoker persona: set access.invoker (its models, guardrail and knowledge bases).');
    }
    this.enforcement?.enforceOn(grantee);
    return this.invoker.permissions.grantInvoke(grantee);
  }

  /**
   * What an auditor of this platform reads, as the props of a {@link BedrockAuditorRole}: spread it
   * into one you create yourself (`new BedrockAuditorRole(scope, 'Auditor', { trust, ...platform.auditedResources() })`).
   * Lists are empty for parts that are turned off.
   */
  public auditedResources(): AuditedResources {
    const audit = this.trail;
    const logging = this.invocationLogging;
    return {
      encryptionKey: this.encryptionKey,
      trailArns: audit?.trailArn ? [audit.trailArn] : [],
      auditLogGroups: audit?.logGroup ? [audit.logGroup] : [],
      auditBuckets: audit?.bucket ? [audit.bucket] : [],
      invocationLogGroups: logging?.logGroup ? [logging.logGroup] : [],
      invocationLogBuckets: logging?.bucket ? [logging.bucket] : [],
    };
  }

  /**
   * The one model list, checked once with the prop names of this construct: for the endpoints, and
   * for the invoker when there is one; the 0.x per-construct lists are refused.
   */
  private validateModels(props: BedrockPlatformProps): readonly BedrockModel[] {
    const misplaced: Array<[string, unknown]> = [
      ['network.privateLink.models', props.network?.privateLink ? (props.network.privateLink as { models?: unknown }).models : undefined],
      ['access.invoker.models', (props.access?.invoker as { models?: unknown } | undefined)?.models],
    ];
    for (const [prop, value] of misplaced) {
      if (value !== undefined) throw new PlatformValidationError(this, prop, '(set)', 'List the models once, in the top-level models prop: the endpoints and the invoker both take them from there.');
    }
    const models = requireModels(this, 'models', props.models ?? DEFAULT_TEXT_MODELS, { allowPatterns: true });
    models.forEach((m, i) => {
      const prop = `models[${i}]`;
      if (props.access?.invoker && m.kind !== BedrockModelKind.MANTLE_MODEL) m.validate(this, prop, INVOKER_MODEL_REQUIREMENTS);
      if (props.access?.enforcement?.dataResidency && m.isGlobalProfile) {
        throw new PlatformValidationError(
          this,
          prop,
          m.identifier,
          'A global profile routes requests to Regions outside access.enforcement.dataResidency.allowedRegions, whose deny refuses them: use a geographic profile (e.g. \'us.\' or \'eu.\') or drop dataResidency.',
        );
      }
    });
    return models;
  }

  private createAccess(access: PlatformAccessProps) {
    const { requirePrivatePath, ...switches } = access.enforcement ?? {};
    let privatePath: BedrockEnforcementProps['requirePrivatePath'];
    if (requirePrivatePath) {
      if (!this.privateLink) {
        throw new PlatformValidationError(this, 'access.enforcement.requirePrivatePath', true, 'It needs network.privateLink: the platform has no endpoints to require.');
      }
      // Every Bedrock endpoint of the platform, rendered at synth: endpoints added after this point
      // (a feature, a support endpoint for a deploy-time function) are required too.
      privatePath = { vpcEndpointIds: this.privateLink.bedrockEndpointIds };
    }
    // Secure by default: with a platform guardrail, every persona must name its pinned version; the
    // knowledge base's embedding model is exempt (a guardrail does not apply to embeddings).
    const requireGuardrail = switches.requireGuardrail ?? this.guardrail;
    const embedding = this.knowledgeBase?.embeddingModel.model;
    const guardrailExemptModels = requireGuardrail && embedding ? [...(switches.guardrailExemptModels ?? []), embedding] : switches.guardrailExemptModels;
    // The platform's own automation calls Bedrock from outside the endpoints, each with one narrow
    // permission: the drift rule reads the logging setting, the ingestion schedule starts jobs of
    // its knowledge base. The SCP's private-path denies would refuse them; every other statement
    // (guardrail, Regions, the service-role guard) still applies to them.
    const automation = [this.configRules?.driftRule?.role.roleArn, this.knowledgeBase?.schedulerRole?.roleArn].filter((a): a is string => a !== undefined);
    const privatePathExemptPrincipalArns = privatePath && automation.length > 0 ? [...(switches.privatePathExemptPrincipalArns ?? []), ...automation] : switches.privatePathExemptPrincipalArns;
    const enforcement =
      privatePath || requireGuardrail || Object.values(switches).some((v) => v !== undefined)
        ? new BedrockEnforcement(this, 'Enforcement', { ...switches, requireGuardrail, guardrailExemptModels, privatePathExemptPrincipalArns, requirePrivatePath: privatePath })
        : undefined;
    const encryptionKey = this.encryptionKey;
    const logging = this.invocationLogging;
    return {
      enforcement,
      invoker:
        access.invoker &&
        new BedrockInvokerRole(this, 'Invoker', {
          ...access.invoker,
          guardrail: access.invoker.guardrail ?? this.guardrail,
          knowledgeBaseArns: this.knowledgeBase ? [...(access.invoker.knowledgeBaseArns ?? []), this.knowledgeBase.knowledgeBaseArn] : access.invoker.knowledgeBaseArns,
          models: this.models.filter((m) => m.kind !== BedrockModelKind.MANTLE_MODEL),
          encryptionKey,
          enforcement,
        }),
      builder: access.builder && new BedrockBuilderRole(this, 'Builder', { ...access.builder, encryptionKey, enforcement }),
      operator: access.operator && new BedrockOperatorRole(this, 'Operator', { ...access.operator, enforcement, invocationLoggingRole: logging?.deliveryRole }),
      auditor:
        access.auditor &&
        new BedrockAuditorRole(this, 'Auditor', {
          ...access.auditor,
          // Every persona the platform builds is enforced, the read-only one too: its reads of
          // configuration and logs are held to the same network path and Regions.
          enforcement,
          ...this.auditedResources(),
        }),
    };
  }
}
