import { Construct } from 'constructs';
import { BedrockModel } from '../core/bedrock-model';
import { BedrockOperatorPolicy, BedrockOperatorPolicyProps } from './operator-policy';
import { PersonaRole, PersonaRoleProps } from './persona-role';

/** Properties of a {@link BedrockOperatorRole}. */
export interface BedrockOperatorRoleProps extends PersonaRoleProps, BedrockOperatorPolicyProps {}

/** A role for the operator persona: see {@link BedrockOperatorPolicy}. */
export class BedrockOperatorRole extends PersonaRole {
  /** The persona's permissions; attach them to other principals with `grantOperate`. */
  public readonly permissions: BedrockOperatorPolicy;

  constructor(scope: Construct, id: string, props: BedrockOperatorRoleProps) {
    super(scope, id, props, 'Bedrock operator persona');
    this.permissions = new BedrockOperatorPolicy(this, 'Permissions', props);
    this.permissions.grantOperate(this.role);
  }

  /** Lets the role buy provisioned throughput for more models: see {@link BedrockOperatorPolicy.addProvisionableModel}. */
  public addProvisionableModel(...models: BedrockModel[]): void {
    this.permissions.addProvisionableModel(...models);
  }
}
