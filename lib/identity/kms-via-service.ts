import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { PersonaAllow } from './attachable-policy';

/**
 * A KMS permission usable only when `service` calls KMS on the caller's behalf (`kms:ViaService`):
 * the grantee can decrypt what Bedrock or S3 hands it, but cannot call KMS directly with the key.
 */
export function kmsViaService(scope: IConstruct, sid: string, keys: readonly (kms.IKey | undefined)[], actions: string[], service: 'bedrock' | 's3'): PersonaAllow {
  const region = Stack.of(scope).region;
  const arns = [...new Set(keys.filter((k): k is kms.IKey => k !== undefined).map((k) => k.keyArn))];
  return { sid, actions, resources: arns, conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } } };
}
