import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcardResources } from '../core/wildcard-acknowledgement';

/** One Allow statement of a persona, and why any wildcard resource in it cannot be narrowed. */
export interface PersonaAllow {
  /** Statement ID: says what the statement is for. */
  readonly sid: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly conditions?: Record<string, Record<string, unknown>>;
  /** Required when a resource contains `*`: the reason recorded with the cdk-nag acknowledgement. */
  readonly wildcardReason?: string;
}

/** The role, user or group behind a grantee: the identities a managed policy attaches to. */
function identityOf(principal: iam.IPrincipal): { addManagedPolicy(policy: iam.IManagedPolicy): void } | undefined {
  const p = principal as unknown as Record<string, unknown>;
  const named = ['roleArn', 'userArn', 'groupArn'].some((k) => typeof p[k] === 'string');
  return named && typeof p.addManagedPolicy === 'function' ? (principal as unknown as { addManagedPolicy(policy: iam.IManagedPolicy): void }) : undefined;
}

/** Policies attached so far, per role, user or group: to spot personas whose denies cancel each other. */
const ATTACHED_POLICIES = new WeakMap<object, AttachablePolicy[]>();

/** IAM's action matching: case-insensitive, `*` and `?` wildcards. */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/**
 * The actions `allowing` grants that an unconditional explicit deny of `denying` blocks outright.
 * Conditional denies (the enforcement's guardrail, endpoint and Region switches) are meant to narrow
 * other policies and are not conflicts.
 */
export function cancelledActions(allowing: readonly iam.PolicyStatement[], denying: readonly iam.PolicyStatement[]): string[] {
  const denies = denying.filter((s) => s.effect === iam.Effect.DENY && Object.keys(s.conditions ?? {}).length === 0).flatMap((s) => s.actions);
  const allows = allowing.filter((s) => s.effect === iam.Effect.ALLOW).flatMap((s) => s.actions);
  return [...new Set(allows.filter((a) => denies.some((d) => actionMatches(d, a) || actionMatches(a, d))))];
}

/**
 * Permissions held in ONE customer-managed policy that is attached to every grantee: the base of
 * the persona policies and of the enforcement policy. Managed, not inline: the NIST 800-53, HIPAA
 * and PCI packs reject inline policies, and one shared document is easier to review than a copy
 * per role.
 */
export abstract class AttachablePolicy extends Construct {
  /** The managed policy holding the statements. */
  public readonly managedPolicy: iam.ManagedPolicy;
  private readonly statements: iam.PolicyStatement[] = [];
  private readonly attached = new Set<object>();

  protected constructor(scope: Construct, id: string, description: string) {
    super(scope, id);
    this.managedPolicy = new iam.ManagedPolicy(this, 'Policy', { description });
  }

  /** The policy's statements (Allow and Deny), in order. */
  public get policyStatements(): iam.PolicyStatement[] {
    return [...this.statements];
  }

  /** Adds an Allow statement; acknowledges each wildcard resource with the statement's reason. */
  protected allow(allow: PersonaAllow): void {
    if (allow.resources.length === 0) return;
    const statement = new iam.PolicyStatement({ sid: allow.sid, actions: allow.actions, resources: allow.resources, conditions: allow.conditions });
    this.addStatement(statement);
    const wildcards = allow.resources.filter((r) => r.includes('*'));
    if (wildcards.length > 0) {
      if (!allow.wildcardReason) throw new Error(`internal: statement ${allow.sid} has a wildcard resource and no reason`);
      acknowledgeWildcardResources(this.managedPolicy, allow.resources, allow.wildcardReason);
    }
  }

  /** Adds an explicit Deny (separation of duties: holds even when another policy allows). */
  protected deny(sid: string, actions: string[], resources: string[], conditions?: Record<string, Record<string, unknown>>): void {
    if (resources.length === 0) return;
    this.addStatement(new iam.PolicyStatement({ sid, effect: iam.Effect.DENY, actions, resources, conditions }));
  }

  /**
   * Gives `grantee` this persona's permissions: attaches the managed policy to its role, user or
   * group (a Lambda function's or an imported role's included). A principal that is none of those
   * gets the statements in its own policy, where it has one.
   */
  protected attachTo(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    // addManagedPolicy, not attachToRole: an immutable or other-account import stays untouched, as
    // everywhere in CDK.
    const policy = this.managedPolicy;
    const target = identityOf(principal);
    if (target) {
      this.attachOnce(target, () => target.addManagedPolicy(policy));
      this.warnOnCancellingPersonas(target, principal);
    }
    const viaPrincipal = target === undefined;

    // Build an ordinary iam.Grant (statements + dependency on the policy) for callers that use it.
    const sink: iam.IPrincipal = {
      get grantPrincipal() {
        return sink;
      },
      assumeRoleAction: principal.assumeRoleAction,
      policyFragment: principal.policyFragment,
      principalAccount: principal.principalAccount,
      addToPrincipalPolicy: (statement) => (viaPrincipal ? principal.addToPrincipalPolicy(statement) : { statementAdded: true, policyDependable: policy }),
    };
    if (viaPrincipal) {
      for (const s of this.statements.filter((st) => st.effect === iam.Effect.DENY)) principal.addToPrincipalPolicy(s.copy());
    }
    const grants = this.statements
      .filter((s) => s.effect === iam.Effect.ALLOW)
      .map((s) => iam.Grant.addToPrincipal({ grantee: sink, actions: s.actions, resourceArns: s.resources, conditions: s.conditions }));
    return grants.reduce((a, b) => a.combine(b), iam.Grant.drop(grantee, 'no statements'));
  }

  /** Adds any statement (e.g. a Deny with NotResource) to the policy. */
  protected addStatement(statement: iam.PolicyStatement): void {
    this.statements.push(statement);
    this.managedPolicy.addStatements(statement);
  }

  /**
   * Two personas on one principal whose explicit denies cancel each other's permissions (build and
   * operate, invoke and audit) leave it unable to do either job, with no error until run time: say
   * so at synth.
   */
  private warnOnCancellingPersonas(target: object, principal: iam.IPrincipal): void {
    const others = ATTACHED_POLICIES.get(target) ?? [];
    if (others.includes(this)) return;
    for (const other of others) {
      for (const [allowing, denying] of [[this, other], [other, this]] as const) {
        const cancelled = cancelledActions(allowing.statements, denying.statements);
        if (cancelled.length === 0) continue;
        Annotations.of(this).addWarningV2(
          'bedrock-secure-platform:personasCancelEachOther',
          `${allowing.node.path} and ${denying.node.path} are attached to the same principal (${principal}): the explicit denies of ${denying.node.path} block ${cancelled.slice(0, 5).join(', ')}${cancelled.length > 5 ? ` and ${cancelled.length - 5} more` : ''} that ${allowing.node.path} allows. Give each persona its own role.`,
        );
      }
    }
    ATTACHED_POLICIES.set(target, [...others, this]);
  }

  private attachOnce(key: object, attach: () => void): void {
    if (this.attached.has(key)) return;
    this.attached.add(key);
    attach();
  }
}
