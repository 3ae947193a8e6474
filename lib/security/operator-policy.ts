import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { requirePattern } from '../core/validate';
import { DATA_PLANE_ACTIONS } from './bedrock-actions';
import { accountResourcesArn, foundationModelArn, MODEL_ID_PATTERN, requireEach } from './bedrock-arns';
import { AttachablePolicy } from './attachable-policy';

/** Properties of a {@link BedrockOperatorPolicy}. */
export interface BedrockOperatorPolicyProps {
  /**
   * Foundation models (IDs, in the stack's Region) the operator may buy provisioned throughput for.
   * @default none: the operator manages existing provisioned throughput but cannot buy more
   */
  readonly provisionableModelIds?: string[];

  /**
   * Role Bedrock assumes to deliver invocation logs: the operator may pass it, to Bedrock only,
   * when it sets the logging configuration.
   * @default none: only configurations without a CloudWatch Logs role can be written
   */
  readonly invocationLoggingRole?: iam.IRole;

  /**
   * Prefix of the CloudWatch alarm names the operator manages (e.g. the platform's `bedrock-`).
   * @default '' (every alarm of the account and Region)
   */
  readonly alarmNamePrefix?: string;
}

/**
 * Operator persona: provisioned throughput, the invocation-logging configuration, alarms and
 * metrics. Explicitly denied the data plane (invoking models, retrieving from knowledge bases):
 * operating capacity does not need prompts.
 */
export class BedrockOperatorPolicy extends AttachablePolicy {
  constructor(scope: Construct, id: string, props: BedrockOperatorPolicyProps = {}) {
    super(scope, id, 'Bedrock operator: provisioned throughput, invocation-logging configuration, alarms; no model invocation');
    const stack = Stack.of(this);
    const models = requireEach(this, 'provisionableModelIds', props.provisionableModelIds, MODEL_ID_PATTERN, "a model ID such as 'anthropic.claude-3-haiku-20240307-v1:0'");
    const prefix = requirePattern(this, 'alarmNamePrefix', props.alarmNamePrefix ?? '', /^[^*?:]{0,200}$/, 'an alarm-name prefix without *, ? or :');
    const provisioned = accountResourcesArn(this, 'provisioned-model');

    this.allow({
      sid: 'ReadAndConfigureAccountLevelSettings',
      actions: [
        'bedrock:ListFoundationModels',
        'bedrock:ListInferenceProfiles',
        'bedrock:ListProvisionedModelThroughputs',
        'bedrock:GetModelInvocationLoggingConfiguration',
        'bedrock:PutModelInvocationLoggingConfiguration',
        'bedrock:DeleteModelInvocationLoggingConfiguration',
      ],
      resources: ['*'],
      wildcardReason: 'Listing models and throughputs and the invocation-logging configuration are account-and-Region settings with no resource type in the Service Authorization Reference, so only * is possible.',
    });
    this.allow({
      sid: 'BuyProvisionedThroughputForAllowedModels',
      actions: ['bedrock:CreateProvisionedModelThroughput'],
      resources: models.map((m) => foundationModelArn(this, m, stack.region)),
    });
    this.allow({
      sid: 'ManageProvisionedThroughput',
      actions: ['bedrock:GetProvisionedModelThroughput', 'bedrock:UpdateProvisionedModelThroughput', 'bedrock:DeleteProvisionedModelThroughput', 'bedrock:TagResource', 'bedrock:UntagResource', 'bedrock:ListTagsForResource'],
      resources: [provisioned],
      wildcardReason: 'Provisioned throughput is bought at run time and gets a generated ID; the pattern is limited to provisioned models of this account and Region.',
    });
    if (props.invocationLoggingRole) {
      this.allow({
        sid: 'PassInvocationLoggingRoleToBedrockOnly',
        actions: ['iam:PassRole'],
        resources: [props.invocationLoggingRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
      });
    }
    this.allow({
      sid: 'ManagePlatformAlarms',
      actions: [
        'cloudwatch:PutMetricAlarm',
        'cloudwatch:DeleteAlarms',
        'cloudwatch:DescribeAlarms',
        'cloudwatch:DescribeAlarmHistory',
        'cloudwatch:EnableAlarmActions',
        'cloudwatch:DisableAlarmActions',
        'cloudwatch:SetAlarmState',
        'cloudwatch:TagResource',
        'cloudwatch:ListTagsForResource',
      ],
      resources: [`arn:${stack.partition}:cloudwatch:${stack.region}:${stack.account}:alarm:${prefix}*`],
      wildcardReason: 'Alarms are named by the operator at run time; the pattern is limited to alarms of this account and Region with the platform prefix.',
    });
    this.allow({
      sid: 'ReadMetrics',
      actions: ['cloudwatch:GetMetricData', 'cloudwatch:GetMetricStatistics', 'cloudwatch:ListMetrics', 'cloudwatch:DescribeAlarmsForMetric'],
      resources: ['*'],
      wildcardReason: 'CloudWatch metric reads have no resource type (metrics are not resources); reading metrics exposes no prompt data.',
    });
    this.deny('DenyPromptDataAccess', DATA_PLANE_ACTIONS, ['*']);
  }

  /** Gives `grantee` the operator permissions (and its explicit denies). */
  public grantOperate(grantee: iam.IGrantable): iam.Grant {
    return this.attachTo(grantee);
  }
}
