import { IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, NagPack, NagPackProps, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { BedrockPlatformChecks } from './bedrock-platform-checks';
import { CONTROL_TOWER_PLUGIN_NAME, ControlTowerChecks, ControlTowerChecksProps } from './control-tower-checks';

/** Names of the packs {@link addCompliancePacks} registers, as they appear in the validation report. */
export const COMPLIANCE_PACK_NAMES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless', 'BedrockPlatform', CONTROL_TOWER_PLUGIN_NAME] as const;

/**
 * The cdk-nag rule packs every template of this library is held to: cdk-nag's AwsSolutions, NIST
 * 800-53 R5, HIPAA Security, PCI DSS 3.2.1 and Serverless packs, plus this library's own
 * BedrockPlatform rules.
 */
export function compliancePacks(scope: IConstruct, props?: NagPackProps): NagPack[] {
  return [
    new AwsSolutionsChecks(scope, props),
    new NIST80053R5Checks(scope, props),
    new HIPAASecurityChecks(scope, props),
    new PCIDSS321Checks(scope, props),
    new ServerlessChecks(scope, props),
    new BedrockPlatformChecks(scope, props),
  ];
}

/** Options of {@link addCompliancePacks}. */
export interface CompliancePackOptions {
  /** Options of every cdk-nag pack. @default cdk-nag's defaults */
  readonly nag?: NagPackProps;
  /**
   * The Control Tower proactive controls; `false` to run only the cdk-nag packs.
   * @default all rules
   */
  readonly controlTower?: ControlTowerChecksProps | false;
}

/**
 * Registers {@link compliancePacks} and the AWS Control Tower proactive controls
 * ({@link ControlTowerChecks}) as validation plugins on `scope` (usually the App): synth then fails
 * on any unacknowledged finding and writes `validation-report.json` to the cloud assembly (which
 * lists only plugins that reported or acknowledged something). Returns the plugins registered.
 */
export function addCompliancePacks(scope: IConstruct, options: CompliancePackOptions = {}): IPolicyValidationPlugin[] {
  const plugins: IPolicyValidationPlugin[] = [
    ...compliancePacks(scope, options.nag),
    ...(options.controlTower === false ? [] : [new ControlTowerChecks(options.controlTower)]),
  ];
  Validations.of(scope).addPlugins(...plugins);
  return plugins;
}
