import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { requirePattern } from '../core/validate';
import { GUARDRAIL_ARN_PATTERN, GUARDRAIL_VERSION_PATTERN } from './bedrock-arns';
import { requireObject, requireString } from './input-checks';

/**
 * The platform guardrail, as the access policies need it. Any guardrail construct exposing these
 * attributes fits (e.g. one wrapping `CfnGuardrail` + `CfnGuardrailVersion`), and so does a literal
 * for a guardrail managed elsewhere.
 */
export interface GuardrailReference {
  /** Guardrail ARN, without version: `arn:aws:bedrock:REGION:ACCOUNT:guardrail/ID`. */
  readonly guardrailArn: string;
  /** Numeric version that callers must name. `DRAFT` is mutable and cannot be enforced. */
  readonly guardrailVersion: string;
  /**
   * Customer-managed key the guardrail is encrypted with: callers need `kms:Decrypt` on it.
   * @default the guardrail uses an AWS-owned key
   */
  readonly encryptionKey?: kms.IKey;
}

/** Validates a guardrail reference's ARN and version (skips tokens); errors name `prop`. */
export function validateGuardrail(scope: IConstruct, prop: string, guardrail: GuardrailReference): GuardrailReference {
  requireObject(scope, prop, guardrail, 'guardrailArn', 'a guardrail reference { guardrailArn, guardrailVersion }');
  requireString(scope, `${prop}.guardrailVersion`, guardrail.guardrailVersion, "a published numeric version such as '1'");
  if (guardrail.encryptionKey !== undefined) requireObject(scope, `${prop}.encryptionKey`, guardrail.encryptionKey, 'keyArn', 'a KMS key (kms.IKey)');
  requirePattern(scope, `${prop}.guardrailArn`, guardrail.guardrailArn, GUARDRAIL_ARN_PATTERN, 'a guardrail ARN without version, such as arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456');
  requirePattern(scope, `${prop}.guardrailVersion`, guardrail.guardrailVersion, GUARDRAIL_VERSION_PATTERN, "a published numeric version such as '1' (DRAFT changes under the caller and cannot be enforced)");
  return guardrail;
}

/** The value of `bedrock:GuardrailIdentifier` when a caller names this guardrail and version. */
export function guardrailIdentifier(guardrail: GuardrailReference): string {
  return `${guardrail.guardrailArn}:${guardrail.guardrailVersion}`;
}
