import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BedrockAuditorPolicy, BedrockAuditorPolicyProps } from './auditor-policy';
import { PersonaRole, PersonaRoleProps } from './persona-role';

/** Properties of a {@link BedrockAuditorRole}. */
export interface BedrockAuditorRoleProps extends PersonaRoleProps, BedrockAuditorPolicyProps {}

/** A role for the auditor persona (read-only): see {@link BedrockAuditorPolicy}. */
export class BedrockAuditorRole extends PersonaRole {
  /** The persona's permissions; attach them to other principals with `grantAudit`. */
  public readonly permissions: BedrockAuditorPolicy;

  constructor(scope: Construct, id: string, props: BedrockAuditorRoleProps) {
    super(scope, id, props, 'Bedrock auditor persona (read-only)');
    this.permissions = new BedrockAuditorPolicy(this, 'Permissions', props);
    this.permissions.grantAudit(this.role);
  }

  /** See {@link BedrockAuditorPolicy.addAuditLogGroup}. */
  public addAuditLogGroup(...groups: logs.ILogGroup[]): void {
    this.permissions.addAuditLogGroup(...groups);
  }

  /** See {@link BedrockAuditorPolicy.addAuditBucket}. */
  public addAuditBucket(...buckets: s3.IBucket[]): void {
    this.permissions.addAuditBucket(...buckets);
  }

  /** See {@link BedrockAuditorPolicy.addInvocationLogGroup}. */
  public addInvocationLogGroup(...groups: logs.ILogGroup[]): void {
    this.permissions.addInvocationLogGroup(...groups);
  }

  /** See {@link BedrockAuditorPolicy.addInvocationLogBucket}. */
  public addInvocationLogBucket(...buckets: s3.IBucket[]): void {
    this.permissions.addInvocationLogBucket(...buckets);
  }
}
