import { Aws, CfnCondition, CfnResource, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { PlatformKey, PlatformKeyProps } from '../core/platform-key';
import { AccessLogsBucket } from '../data-protection/secure-bucket';
import { AlertTopic, IAlertTopic } from '../governance/alert-topic';
import { BedrockAuditTrail, BedrockAuditTrailProps } from '../governance/bedrock-audit-trail';
import { ModelInvocationLogging, ModelInvocationLoggingProps } from '../governance/model-invocation-logging';
import { platformConfigRules, PlatformConfigRules, PlatformConfigRulesProps } from '../governance/platform-config-rules';
import { AccountGuardrailEnforcement, AccountGuardrailEnforcementProps } from '../guardrails/account-guardrail-enforcement';
import { PolicyGuardrail, PolicyGuardrailProps } from '../guardrails/policy-guardrail';
import { requireRegions } from '../identity/input-checks';
import { BedrockBudget, BedrockBudgetProps } from '../observability/bedrock-budget';
import { StackSetSynthesizer, StackSetSynthesizerProps } from './stack-set-synthesizer';

/** Properties of a {@link PlatformBaselineStack}. */
export interface PlatformBaselineStackProps extends StackProps {
  /**
   * Leave it unset for a StackSets template; set it (and `env`) where a pipeline deploys the baseline
   * as an ordinary stack to bootstrapped accounts, e.g. `new DefaultStackSynthesizer()`.
   * @default a StackSetSynthesizer with `assetBucketNamePrefix` and `assetRegions`
   */
  readonly synthesizer?: StackProps['synthesizer'];
  /**
   * E-mail addresses subscribed to the baseline's alert topic, in every account and Region.
   * @default no subscriptions
   */
  readonly alertEmails?: string[];
  /**
   * The baseline's customer-managed key (one per account and Region).
   * @default a PlatformKey with its defaults
   */
  readonly key?: PlatformKeyProps;
  /**
   * The audit trail. `multiRegion` defaults to `false` here: the stack set deploys the baseline to
   * each of its Regions, and a multi-Region trail in each of them would record every event N times.
   * Set `createTrail: false` where an organization trail already records the accounts.
   * @default a Regional trail with high-risk alerts
   */
  readonly audit?: Omit<BedrockAuditTrailProps, 'encryptionKey' | 'accessLogsBucket' | 'alertTopic' | 'alertEmails'> | false;
  /**
   * AWS Config rules (managed rules; the invocation-logging drift rule only with `invocationLogging`).
   * An AWS Config recorder must be on in the accounts (Control Tower turns it on).
   * @default the trail and bucket rules
   */
  readonly configRules?: Omit<PlatformConfigRulesProps, 'encryptionKey' | 'invocationLogging' | 'expectedInvocationLogging' | 'trail' | 'buckets' | 'alertTopic' | 'alertEmails' | 'vpc' | 'endpointServices'> | false;
  /**
   * A Bedrock cost budget per account. Budgets are account-wide: it is created in `homeRegion` only.
   * @default no budget
   */
  readonly budget?: Omit<BedrockBudgetProps, 'alertTopic'>;
  /**
   * Model invocation logging in each account and Region. Lambda-backed (a custom resource calls
   * PutModelInvocationLoggingConfiguration): its code must be readable from every target account and
   * Region, so it needs `assetBucketNamePrefix`. Off by default for that reason.
   * @default no invocation logging
   */
  readonly invocationLogging?: Omit<ModelInvocationLoggingProps, 'encryptionKey' | 'accessLogsBucket' | 'alertTopic' | 'alertEmails' | 'vpc' | 'vpcSubnets' | 'securityGroups'>;
  /**
   * A guardrail created in each account and Region, enforced account-wide on every invocation
   * (AWS::Bedrock::EnforcedGuardrailConfiguration) unless `enforceGuardrail` is false.
   * @default no guardrail
   */
  readonly guardrail?: PolicyGuardrailProps;
  /**
   * Enforce `guardrail` on every model invocation of the account and Region.
   * @default true (with `guardrail`)
   */
  readonly enforceGuardrail?: Omit<AccountGuardrailEnforcementProps, 'guardrail'> | boolean;
  /**
   * The Region where account-wide parts (the budget) are created; stack instances in the other
   * Regions skip them (a CloudFormation condition on `AWS::Region`).
   * @default 'us-east-1'
   */
  readonly homeRegion?: string;
  /**
   * Per-Region buckets, readable by the organization, for the code of Lambda-backed parts: see
   * {@link StackSetSynthesizerProps.assetBucketNamePrefix}.
   * @default none: Lambda-backed parts (invocationLogging) are refused
   */
  readonly assetBucketNamePrefix?: string;
  /**
   * The Regions whose asset buckets receive the code (the stack set's Regions); with `assetBucketNamePrefix`.
   * @default none
   */
  readonly assetRegions?: string[];
}

/**
 * The account-wide governance baseline as one stack, deployed by a CloudFormation StackSet
 * ({@link BaselineStackSet}, environment-agnostic, the default) into every account of some
 * organizational units and Regions, or by a pipeline stage per account and Region (give `env` and a
 * `synthesizer`): platform key, audit trail with high-risk alerts, Config rules, alert topic, and as
 * chosen a budget, an enforced guardrail, and (with asset buckets) model invocation logging.
 *
 * Build it in a Stage of its own (`new Stage(app, 'Baseline')`), not beside the stack that holds the
 * stack set: the Stage is synthesized with the app, so the compliance packs registered on the app
 * check the baseline template too, and `cdk deploy` (top-level stacks) does not deploy it on its own.
 * It uses a {@link StackSetSynthesizer}: no bootstrap-version rule (target accounts are not
 * bootstrapped), no asset in any one account's bootstrap bucket.
 */
export class PlatformBaselineStack extends Stack {
  /** The key encrypting the baseline's logs, topic and buckets. */
  public readonly encryptionKey: kms.IKey;
  /** The alert topic every part reports to. */
  public readonly alertTopic: IAlertTopic;
  public readonly audit?: BedrockAuditTrail;
  public readonly configRules?: PlatformConfigRules;
  public readonly budget?: BedrockBudget;
  public readonly invocationLogging?: ModelInvocationLogging;
  public readonly guardrail?: PolicyGuardrail;
  public readonly guardrailEnforcement?: AccountGuardrailEnforcement;
  /** Condition true in the home Region only, on the account-wide parts. */
  public readonly homeRegionCondition?: CfnCondition;

  constructor(scope: Construct, id: string, props: PlatformBaselineStackProps = {}) {
    const synthesizerProps: StackSetSynthesizerProps = { assetBucketNamePrefix: props.assetBucketNamePrefix, assetRegions: props.assetRegions };
    super(scope, id, { ...props, synthesizer: props.synthesizer ?? new StackSetSynthesizer(synthesizerProps) });
    if (props.synthesizer && (props.assetBucketNamePrefix !== undefined || props.assetRegions !== undefined)) {
      throw new PlatformValidationError(this, 'assetBucketNamePrefix', props.assetBucketNamePrefix, 'Only meaningful with the default StackSetSynthesizer: the given synthesizer decides where assets go.');
    }
    const homeRegion = requireRegions(this, 'homeRegion', [props.homeRegion ?? 'us-east-1'], [], 'homeRegion')[0];
    if (props.invocationLogging && this.synthesizer instanceof StackSetSynthesizer && !this.synthesizer.hasAssetBuckets) {
      throw new PlatformValidationError(
        this,
        'invocationLogging',
        '(set)',
        'Invocation logging is Lambda-backed, and the code of its function must be readable from every target account and Region: give assetBucketNamePrefix and assetRegions (per-Region buckets the organization can read), or leave invocation logging to the workload stacks (BedrockPlatform).',
      );
    }

    const platformKey = new PlatformKey(this, 'Key', props.key);
    this.encryptionKey = platformKey.key;
    const encryptionKey = this.encryptionKey;
    const accessLogsBucket = new AccessLogsBucket(this, 'AccessLogs').bucket;
    this.alertTopic = new AlertTopic(this, 'Alerts', { encryptionKey, alertEmails: props.alertEmails });
    const alertTopic = this.alertTopic;

    if (props.audit !== false) {
      this.audit = new BedrockAuditTrail(this, 'Audit', { multiRegion: false, ...props.audit, encryptionKey, accessLogsBucket, alertTopic });
    }
    if (props.invocationLogging) {
      this.invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', { ...props.invocationLogging, encryptionKey, accessLogsBucket, alertTopic });
    }
    if (props.configRules !== false) {
      this.configRules = platformConfigRules(this, props.configRules, {
        encryptionKey,
        invocationLogging: this.invocationLogging,
        trail: this.audit,
        buckets: [this.audit?.bucket, this.invocationLogging?.bucket, accessLogsBucket],
        alertTopic,
      });
    }
    if (props.guardrail) {
      this.guardrail = new PolicyGuardrail(this, 'Guardrail', { encryptionKey, ...props.guardrail });
      if (props.enforceGuardrail !== false) {
        const options = typeof props.enforceGuardrail === 'object' ? props.enforceGuardrail : {};
        this.guardrailEnforcement = new AccountGuardrailEnforcement(this, 'GuardrailEnforcement', { ...options, guardrail: this.guardrail });
      }
    } else if (props.enforceGuardrail !== undefined) {
      throw new PlatformValidationError(this, 'enforceGuardrail', props.enforceGuardrail, 'Only meaningful with guardrail.');
    }
    if (props.budget) {
      this.homeRegionCondition = new CfnCondition(this, 'InHomeRegion', { expression: Fn.conditionEquals(Aws.REGION, homeRegion) });
      this.budget = new BedrockBudget(this, 'Budget', { ...props.budget, alertTopic });
      onlyWhen(this.budget, this.homeRegionCondition);
    }
  }
}

/** Puts every CloudFormation resource under `scope` under `condition` (nothing outside may reference them). */
function onlyWhen(scope: IConstruct, condition: CfnCondition): void {
  for (const c of scope.node.findAll()) {
    if (c instanceof CfnResource && c.cfnOptions.condition === undefined) c.cfnOptions.condition = condition;
  }
}
