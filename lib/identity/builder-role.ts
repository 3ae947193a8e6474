import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BedrockBuilderPolicy, BedrockBuilderPolicyProps } from './builder-policy';
import { PersonaRole, PersonaRoleProps } from './persona-role';

/** Properties of a {@link BedrockBuilderRole}. */
export interface BedrockBuilderRoleProps extends PersonaRoleProps, BedrockBuilderPolicyProps {}

/** A role for the builder persona, typically federated (SAML): see {@link BedrockBuilderPolicy}. */
export class BedrockBuilderRole extends PersonaRole {
  /** The persona's permissions; attach them to other principals with `grantBuild`. */
  public readonly permissions: BedrockBuilderPolicy;

  constructor(scope: Construct, id: string, props: BedrockBuilderRoleProps) {
    super(scope, id, props, 'Bedrock builder persona');
    this.permissions = new BedrockBuilderPolicy(this, 'Permissions', props);
    this.permissions.grantBuild(this.role);
  }

  /** Lets the role hand more service roles to Bedrock: see {@link BedrockBuilderPolicy.addServiceRole}. */
  public addServiceRole(...roles: iam.IRole[]): void {
    this.permissions.addServiceRole(...roles);
  }
}
