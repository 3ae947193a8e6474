import { CfnResource, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { BedrockModel } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey } from '../core/platform-key';
import { requireEmailAddresses } from '../core/validate';
import { AlertDestinationProps, alertTopicFor, IAlertTopic } from '../governance/alert-topic';
import { ModelInvocationLogging } from '../governance/model-invocation-logging';
import { BedrockAlarms } from './bedrock-alarms';
import { BedrockDashboard } from './bedrock-dashboard';
import { BedrockMetrics, priceOf, QuotaUsageSource } from './bedrock-metrics';
import { MonitoredGuardrail } from './guardrail-metrics';
import { ModelPrice } from './model-prices';
import { requireMonitoredModels, requirePrices } from './monitoring-inputs';
import { MonitoringThresholds } from './monitoring-thresholds';

/** CloudFormation quotas: resources per stack, template body size from S3 (1 MB). */
const STACK_RESOURCE_LIMIT = 500;
const STACK_TEMPLATE_BYTES = 1_000_000;

/** Properties of {@link BedrockMonitoring}. */
export interface BedrockMonitoringProps extends AlertDestinationProps {
  /**
   * The models the platform uses: foundation models, cross-Region and application inference
   * profiles, provisioned models, imported models, custom model deployments (at most 100).
   * @default DEFAULT_TEXT_MODELS
   */
  readonly models?: BedrockModel[];
  /**
   * Tokens-per-minute quota by model identifier (from Service Quotas): those models get quota
   * alarms and a %-of-quota graph.
   * @default no quota alarms
   */
  readonly quotas?: Record<string, number>;
  /**
   * Where quota usage is read: `EstimatedTPMQuotaUsage`, or input + output tokens where that
   * metric is not published.
   * @default QuotaUsageSource.ESTIMATED_TPM_QUOTA_USAGE
   */
  readonly quotaUsageSource?: QuotaUsageSource;
  /**
   * Token prices over DEFAULT_MODEL_PRICES, by model identifier or foundation model ID.
   * @default DEFAULT_MODEL_PRICES
   */
  readonly prices?: Record<string, ModelPrice>;
  /**
   * Alarm thresholds by signal and severity.
   * @default DEFAULT_MONITORING_THRESHOLDS
   */
  readonly thresholds?: MonitoringThresholds;
  /**
   * Guardrail versions to chart and alarm on (intervention rate).
   * @default none
   */
  readonly guardrails?: MonitoredGuardrail[];
  /**
   * The account's model invocation logging, to alarm on its delivery failures.
   * @default no delivery alarms
   */
  readonly invocationLogging?: ModelInvocationLogging;
  /**
   * Name of the overview dashboard (the model dashboard adds `-model`).
   * @default names CloudFormation generates
   */
  readonly dashboardName?: string;
  /**
   * Key of a new alert topic.
   * @default the stack's default key (`PlatformKey.of`)
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * What operators of a Bedrock platform watch: per model, invocations and requests per second,
 * latency p50/p90/p99 and time to first token, client and server errors and the error rate,
 * throttles, tokens and their estimated cost, tokens-per-minute quota usage; guardrail
 * interventions; invocation-log delivery failures. Alarms ({@link BedrockAlarms}) at a warning
 * and a critical threshold go to the KMS-encrypted alert topic; dashboards
 * ({@link BedrockDashboard}) are kept apart from them. Metric factories
 * ({@link BedrockMetrics}, {@link GuardrailMetrics}) are public for anyone's own alarms.
 *
 * @example
 * new BedrockMonitoring(this, 'Monitoring', {
 *   models: [BedrockModel.parse('amazon.nova-pro-v1:0'), BedrockModel.parse('us.anthropic.claude-sonnet-4-5-20250929-v1:0')],
 *   quotas: { 'amazon.nova-pro-v1:0': 2_000_000 },
 *   alertEmails: ['ml-platform-oncall@example.com'],
 * });
 */
export class BedrockMonitoring extends Construct {
  /** The alarms. */
  public readonly alarms: BedrockAlarms;
  /** The dashboards. */
  public readonly dashboard: BedrockDashboard;
  /** Topic the alarms notify. */
  public readonly alertTopic: IAlertTopic;
  /** The monitored models. */
  public readonly models: readonly BedrockModel[];
  private readonly prices: Readonly<Record<string, ModelPrice>>;

  constructor(scope: Construct, id: string, props: BedrockMonitoringProps = {}) {
    super(scope, id);
    if (props === null || typeof props !== 'object') throw new PlatformValidationError(this, 'props', props, 'Must be an object.');
    this.models = requireMonitoredModels(this, 'models', props.models);
    this.prices = requirePrices(this, 'prices', props.prices);
    if (props.alertEmails !== undefined && !Array.isArray(props.alertEmails)) throw new PlatformValidationError(this, 'alertEmails', props.alertEmails, 'Must be an array of e-mail addresses.');
    requireEmailAddresses(this, 'alertEmails', props.alertEmails);

    this.alertTopic = alertTopicFor(this, 'Alerts', {
      alertTopic: props.alertTopic,
      alertEmails: props.alertEmails,
      encryptionKey: props.encryptionKey ?? PlatformKey.of(this).key,
      displayName: 'Bedrock platform monitoring',
    });
    this.alarms = new BedrockAlarms(this, 'Alarms', {
      alertTopic: this.alertTopic,
      models: [...this.models],
      thresholds: props.thresholds,
      quotas: props.quotas,
      quotaUsageSource: props.quotaUsageSource,
      guardrails: props.guardrails,
      invocationLogging: props.invocationLogging,
    });
    this.dashboard = new BedrockDashboard(this, 'Dashboard', {
      models: [...this.models],
      quotas: props.quotas,
      quotaUsageSource: props.quotaUsageSource,
      prices: props.prices,
      guardrails: props.guardrails,
      thresholds: props.thresholds,
      alarms: [...this.alarms.alarms],
      dashboardName: props.dashboardName,
    });
    this.node.addValidation({ validate: () => this.checkStackLimits() });
  }

  /**
   * Fails the synthesis when the stack this monitoring is in renders over CloudFormation's
   * limits (500 resources, 1 MB template), naming what to change, instead of failing the deploy.
   */
  private checkStackLimits(): string[] {
    const stack = Stack.of(this);
    const resources = stack.node.findAll().filter((c: IConstruct): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    // The template is written with a one-space indent; resources are nearly all of it.
    const bytes = resources.reduce((sum, r) => sum + JSON.stringify(stack.resolve((r as unknown as { _toCloudFormation(): unknown })._toCloudFormation()), undefined, 1).length, 0);
    const fix = `monitor fewer models or quotas here (${this.models.length} models now), or put BedrockMonitoring in a stack of its own (several stacks for a larger fleet)`;
    const errors: string[] = [];
    if (resources.length > STACK_RESOURCE_LIMIT) errors.push(`Stack ${stack.stackName} has ${resources.length} resources, over CloudFormation's ${STACK_RESOURCE_LIMIT}: ${fix}.`);
    if (bytes > STACK_TEMPLATE_BYTES) errors.push(`Stack ${stack.stackName} renders a template of about ${Math.round(bytes / 1024)} KB, over CloudFormation's 1 MB: ${fix}.`);
    return errors;
  }

  /** The metrics of `model` as this monitoring reads them (its prices included). */
  public metricsFor(model: BedrockModel): BedrockMetrics {
    return BedrockMetrics.forModel(model, { price: priceOf(model, this.prices) });
  }
}
