import { Construct } from 'constructs';
import { BedrockModel } from '../core/bedrock-model';
import { GuardrailReference } from './guardrail-reference';
import { BedrockInvokerPolicy, BedrockInvokerPolicyProps } from './invoker-policy';
import { PersonaRole, PersonaRoleProps } from './persona-role';

/** Properties of a {@link BedrockInvokerRole}. */
export interface BedrockInvokerRoleProps extends PersonaRoleProps, BedrockInvokerPolicyProps {}

/**
 * A role for the invoker persona (the application runtime): see {@link BedrockInvokerPolicy}. With an
 * `enforcement` that requires a guardrail, the role may apply that guardrail unless `guardrail` says otherwise.
 */
export class BedrockInvokerRole extends PersonaRole {
  /** The persona's permissions; attach them to other principals with `grantInvoke`. */
  public readonly permissions: BedrockInvokerPolicy;

  constructor(scope: Construct, id: string, props: BedrockInvokerRoleProps) {
    super(scope, id, props, 'Bedrock invoker persona (application runtime)');
    // A role held to a guardrail must be allowed to apply it, or every invocation fails.
    this.permissions = new BedrockInvokerPolicy(this, 'Permissions', { ...props, guardrail: props.guardrail ?? props.enforcement?.requiredGuardrail });
    this.permissions.grantInvoke(this.role);
  }

  /** Lets the role invoke more models: see {@link BedrockInvokerPolicy.addModel}. */
  public addModel(...models: BedrockModel[]): void {
    this.permissions.addModel(...models);
  }

  /** Lets the role apply more guardrails: see {@link BedrockInvokerPolicy.allowGuardrail}. */
  public allowGuardrail(...guardrails: GuardrailReference[]): void {
    this.permissions.allowGuardrail(...guardrails);
  }

  /** Lets the role query more knowledge bases: see {@link BedrockInvokerPolicy.allowKnowledgeBase}. */
  public allowKnowledgeBase(...knowledgeBaseArns: string[]): void {
    this.permissions.allowKnowledgeBase(...knowledgeBaseArns);
  }
}
