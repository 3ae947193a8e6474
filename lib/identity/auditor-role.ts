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
}
