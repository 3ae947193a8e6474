import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockModel, BedrockModelKind, requireModels } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { requirePattern } from '../core/validate';
import { DATA_PLANE_ACTIONS } from './bedrock-actions';
import { accountResourcesArn } from './bedrock-arns';
import { AttachablePolicy } from './attachable-policy';
import { requireList, requireObject, requireProps, requireString } from './input-checks';

/**
 * Name prefix of the platform's operational alarms: the alarms the operator persona manages by
 * default. Name alarms the operator should tune, silence or delete with it.
 */
export const PLATFORM_ALARM_NAME_PREFIX = 'bedrock-platform-';

/**
 * Name prefix of the alarms that watch the audit itself (invocation-log delivery failures,
 * undelivered high-risk alerts). The operator may read them but is explicitly denied changing,
 * silencing or deleting them, whatever its `alarmNamePrefix`: they are the deployment's to manage.
 */
export const PLATFORM_AUDIT_ALARM_NAME_PREFIX = 'bedrock-audit-';

/** Properties of a {@link BedrockOperatorPolicy}. */
export interface BedrockOperatorPolicyProps {
  /**
   * Models the operator may buy provisioned throughput for: foundation models (in the stack's
   * Region unless they name one) and custom models. Exact models only: no `*` pattern.
   * @default none: the operator manages existing provisioned throughput but cannot buy more
   */
  readonly provisionableModels?: readonly BedrockModel[];

  /**
   * Whether the operator may write and delete the account's model invocation logging
   * configuration (and pass `invocationLoggingRole` to Bedrock). Switching logging off stops
   * prompts and responses from being recorded and silences the log-delivery alarms; it raises a
   * high-risk alert (`HighRiskActivity.INVOCATION_LOGGING_CHANGES`) when the audit trail's alerts
   * are on. Without this the setting belongs to the deployment (CloudFormation) and the operator
   * is explicitly denied changing it.
   * @default false: the operator only reads the configuration
   */
  readonly allowInvocationLoggingChanges?: boolean;

  /**
   * Role Bedrock assumes to deliver invocation logs: with `allowInvocationLoggingChanges`, the
   * operator may pass it, to Bedrock only, when it sets the logging configuration. Ignored
   * otherwise.
   * @default none: only configurations without a CloudWatch Logs role can be written
   */
  readonly invocationLoggingRole?: iam.IRole;

  /**
   * Prefix of the names of the CloudWatch alarms the operator creates, changes, silences and
   * deletes. IAM matches it against the alarm ARN, so it holds for every alarm action (CloudWatch
   * documents no tag condition keys on them). Alarms named with {@link PLATFORM_AUDIT_ALARM_NAME_PREFIX}
   * stay denied even when this prefix covers them.
   * @default PLATFORM_ALARM_NAME_PREFIX ('bedrock-platform-')
   */
  readonly alarmNamePrefix?: string;

  /**
   * Let the operator manage every alarm of the account and Region instead of those named with
   * `alarmNamePrefix` (which must then be left unset). The audit alarms stay denied.
   * @default false
   */
  readonly allowAllAlarms?: boolean;
}

/** Alarm writes: what the operator may do to its alarms and may never do to the audit alarms. */
const ALARM_WRITE_ACTIONS = [
  'cloudwatch:PutMetricAlarm',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:EnableAlarmActions',
  'cloudwatch:DisableAlarmActions',
  'cloudwatch:SetAlarmState',
  'cloudwatch:TagResource',
];
const INVOCATION_LOGGING_WRITE_ACTIONS = ['bedrock:PutModelInvocationLoggingConfiguration', 'bedrock:DeleteModelInvocationLoggingConfiguration'];

/*
 * A prefix must be usable both in an alarm name (1 to 255 characters, no control characters) and
 * in an IAM policy (U+0020 to U+00FF only; * and ? are wildcards, ${ opens a policy variable).
 */
const ALARM_PREFIX_PATTERN = /^(?!.*\$\{)[\u0020-\u0029\u002B-\u003E\u0040-\u007E\u00A0-\u00FF]{1,255}$/;
const ALARM_PREFIX_DESCRIPTION =
  'an alarm-name prefix of 1 to 255 characters from U+0020 to U+00FF (what both CloudWatch alarm names and IAM policies accept; no control characters), without the IAM wildcards * and ? or a policy variable ${';

/**
 * Operator persona: provisioned throughput, the platform's alarms and metrics, and read access to
 * the invocation-logging configuration (changing it only with `allowInvocationLoggingChanges`).
 * Explicitly denied the data plane (invoking models, retrieving from knowledge bases): operating
 * capacity does not need prompts. Explicitly denied changing the audit alarms.
 */
export class BedrockOperatorPolicy extends AttachablePolicy {
  constructor(scope: Construct, id: string, props: BedrockOperatorPolicyProps = {}) {
    super(scope, id, 'Bedrock operator: provisioned throughput, platform alarms, metrics; no model invocation, no audit changes by default');
    requireProps(this, props, 'Pass an object (it may be empty: {}).');
    if (props.invocationLoggingRole !== undefined) requireObject(this, 'invocationLoggingRole', props.invocationLoggingRole, 'roleArn', 'an IAM role (iam.IRole, e.g. iam.Role.fromRoleArn)');
    const stack = Stack.of(this);
    const prefix = this.alarmPrefix(props);
    const alarmArn = (namePattern: string) => `arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${namePattern}`;
    const provisioned = accountResourcesArn(this, 'provisioned-model');

    this.allow({
      sid: 'ReadAccountLevelSettings',
      actions: ['bedrock:ListFoundationModels', 'bedrock:ListInferenceProfiles', 'bedrock:ListProvisionedModelThroughputs', 'bedrock:GetModelInvocationLoggingConfiguration'],
      resources: ['*'],
      wildcardReason: 'Listing models and throughputs, the invocation-logging configuration and metric and alarm reads have no resource type (or need * to cover composite alarms), so only * is possible; none returns prompt data.',
    });
    this.addProvisionableModelsAs('provisionableModels', props.provisionableModels ?? []);
    this.allow({
      sid: 'ManageProvisionedThroughput',
      actions: ['bedrock:GetProvisionedModelThroughput', 'bedrock:UpdateProvisionedModelThroughput', 'bedrock:DeleteProvisionedModelThroughput', 'bedrock:TagResource', 'bedrock:UntagResource', 'bedrock:ListTagsForResource'],
      resources: [provisioned],
      wildcardReason: 'Provisioned throughput is bought at run time and gets a generated ID; the pattern is limited to provisioned models of this account and Region.',
    });
    if (props.allowInvocationLoggingChanges) {
      this.allow({
        sid: 'ChangeInvocationLoggingConfiguration',
        actions: INVOCATION_LOGGING_WRITE_ACTIONS,
        resources: ['*'],
        wildcardReason: 'The invocation-logging configuration is an account-and-Region setting with no resource type in the Service Authorization Reference, so only * is possible.',
      });
      if (props.invocationLoggingRole) {
        this.allow({
          sid: 'PassInvocationLoggingRoleToBedrockOnly',
          actions: ['iam:PassRole'],
          resources: [props.invocationLoggingRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
        });
      }
    }
    this.allow({
      sid: 'ManagePlatformAlarms',
      actions: [...ALARM_WRITE_ACTIONS, 'cloudwatch:ListTagsForResource'],
      resources: [alarmArn(`${prefix}*`)],
      wildcardReason: props.allowAllAlarms
        ? 'allowAllAlarms is set: the operator manages every alarm of this account and Region (the audit alarms excepted by an explicit deny).'
        : 'Alarms are named by the operator at run time; the pattern is limited to alarms of this account and Region with the platform prefix.',
    });
    this.allow({
      sid: 'ReadMetricsAndAlarms',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarmsForMetric', 'cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
      resources: ['*'],
      wildcardReason: 'CloudWatch metric reads have no resource type (metrics are not resources) and DescribeAlarms needs * to return composite alarms; reading metrics and alarms exposes no prompt data.',
    });
    this.deny('DenyPromptDataAccess', DATA_PLANE_ACTIONS, ['*']);
    // Separation of duties: holds even if another policy of the same principal allows these.
    if (!props.allowInvocationLoggingChanges) this.deny('DenyInvocationLoggingChanges', INVOCATION_LOGGING_WRITE_ACTIONS, ['*']);
    this.deny('DenyAuditAlarmChanges', [...ALARM_WRITE_ACTIONS, 'cloudwatch:PutCompositeAlarm', 'cloudwatch:UntagResource'], [alarmArn(`${PLATFORM_AUDIT_ALARM_NAME_PREFIX}*`)]);
  }

  /**
   * Lets the operator buy provisioned throughput for more models (same rules as the
   * `provisionableModels` prop). Models already allowed are skipped.
   */
  public addProvisionableModel(...models: BedrockModel[]): void {
    this.addProvisionableModelsAs('addProvisionableModel', models);
  }

  /** Gives `grantee` the operator permissions (and its explicit denies). */
  public grantOperate(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }

  private addProvisionableModelsAs(prop: string, given: readonly BedrockModel[]): void {
    const models = requireModels(this, prop, requireList(this, prop, given), { kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CUSTOM_MODEL], reason: 'what CreateProvisionedModelThroughput is authorized against' });
    this.allow({ sid: 'BuyProvisionedThroughputForAllowedModels', actions: ['bedrock:CreateProvisionedModelThroughput'], resources: models.map((m) => m.resourceArn(this)!) });
  }

  /** The validated alarm-name prefix; '' only when every alarm was asked for explicitly. */
  private alarmPrefix(props: BedrockOperatorPolicyProps): string {
    if (props.allowAllAlarms) {
      if (props.alarmNamePrefix !== undefined && props.alarmNamePrefix !== '') {
        throw new PlatformValidationError(this, 'alarmNamePrefix', props.alarmNamePrefix, 'allowAllAlarms is set, so the operator manages every alarm: leave alarmNamePrefix unset, or drop allowAllAlarms to keep the prefix.');
      }
      return '';
    }
    const prefix = props.alarmNamePrefix ?? PLATFORM_ALARM_NAME_PREFIX;
    requireString(this, 'alarmNamePrefix', prefix, ALARM_PREFIX_DESCRIPTION);
    if (prefix === '') {
      throw new PlatformValidationError(
        this,
        'alarmNamePrefix',
        prefix,
        `An empty prefix would let the operator delete, disable and set the state of every alarm of the account and Region. Name a prefix such as '${PLATFORM_ALARM_NAME_PREFIX}' (the default), or set allowAllAlarms: true to grant every alarm on purpose.`,
      );
    }
    requirePattern(this, 'alarmNamePrefix', prefix, ALARM_PREFIX_PATTERN, ALARM_PREFIX_DESCRIPTION);
    if (!Token.isUnresolved(prefix) && prefix.startsWith(PLATFORM_AUDIT_ALARM_NAME_PREFIX)) {
      throw new PlatformValidationError(
        this,
        'alarmNamePrefix',
        prefix,
        `Alarms named '${PLATFORM_AUDIT_ALARM_NAME_PREFIX}...' watch the audit and are denied to the operator, so this prefix would grant nothing. Choose a prefix outside it, such as '${PLATFORM_ALARM_NAME_PREFIX}'.`,
      );
    }
    return prefix;
  }
}
