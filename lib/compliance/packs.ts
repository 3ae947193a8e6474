import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, NagPack, NagPackProps, PCIDSS321Checks, ServerlessChecks } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { BedrockPlatformChecks } from './bedrock-platform-checks';

/** Names of the packs {@link addCompliancePacks} registers, as they appear in the validation report. */
export const COMPLIANCE_PACK_NAMES = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless', 'BedrockPlatform'] as const;

/**
 * The rule packs every template of this library is held to: cdk-nag's AwsSolutions, NIST 800-53 R5,
 * HIPAA Security, PCI DSS 3.2.1 and Serverless packs, plus this library's own BedrockPlatform rules.
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

/**
 * Registers {@link compliancePacks} as validation plugins on `scope` (usually the App): synth then
 * fails on any unacknowledged finding and writes `validation-report.json` to the cloud assembly
 * (which lists only packs that reported or acknowledged something). Returns the packs registered.
 */
export function addCompliancePacks(scope: IConstruct, props?: NagPackProps): NagPack[] {
  const packs = compliancePacks(scope, props);
  Validations.of(scope).addPlugins(...packs);
  return packs;
}
