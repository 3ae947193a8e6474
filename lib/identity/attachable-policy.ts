import { Annotations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
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
export function identityOf(principal: iam.IPrincipal): { addManagedPolicy(policy: iam.IManagedPolicy): void } | undefined {
  const p = principal as unknown as Record<string, unknown>;
  const named = ['roleArn', 'userArn', 'groupArn'].some((k) => typeof p[k] === 'string');
  return named && typeof p.addManagedPolicy === 'function' ? (principal as unknown as { addManagedPolicy(policy: iam.IManagedPolicy): void }) : undefined;
}

/** A managed policy attached to identities, as the conflict check sees it. */
interface AttachedPolicy {
  /** The construct that owns the policy (a persona policy, an enforcement): named in warnings. */
  readonly owner: IConstruct;
  /** Its statements, as they are now (an imported policy's are unknown: none). */
  readonly statements: () => readonly iam.PolicyStatement[];
}

/** Policies attached so far, per role, user or group: to spot personas whose denies cancel each other. */
const ATTACHED_POLICIES = new WeakMap<object, AttachedPolicy[]>();
/** Identities each policy owner has been attached to: attaching twice is a no-op. */
const ATTACHED_TO = new WeakMap<IConstruct, WeakSet<object>>();

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
 * Attaches `policy` (owned by `owner`) to `grantee`'s role, user or group, once, and warns when its
 * explicit denies and those of another policy already attached there cancel each other. Returns an
 * `iam.Grant` of the Allow statements among `statements` (with the policy as its dependable). A
 * principal that is none of those gets the statements in its own policy, where it has one.
 */
export function attachPolicy(owner: IConstruct, policy: iam.IManagedPolicy, statements: () => readonly iam.PolicyStatement[], grantee: iam.IGrantable): iam.Grant {
  const principal = grantee.grantPrincipal;
  // addManagedPolicy, not attachToRole: an immutable or other-account import stays untouched, as
  // everywhere in CDK.
  const target = identityOf(principal);
  if (target) {
    const done = ATTACHED_TO.get(owner) ?? new WeakSet<object>();
    ATTACHED_TO.set(owner, done);
    if (!done.has(target)) {
      done.add(target);
      target.addManagedPolicy(policy);
    }
    warnOnCancellingPolicies(target, principal, { owner, statements });
  }
  const viaPrincipal = target === undefined;

  // An ordinary iam.Grant (statements + dependency on the policy) for callers that use it.
  const sink: iam.IPrincipal = {
    get grantPrincipal() {
      return sink;
    },
    assumeRoleAction: principal.assumeRoleAction,
    policyFragment: principal.policyFragment,
    principalAccount: principal.principalAccount,
    addToPrincipalPolicy: (statement) => (viaPrincipal ? principal.addToPrincipalPolicy(statement) : { statementAdded: true, policyDependable: policy }),
  };
  const current = statements();
  if (viaPrincipal) {
    for (const s of current.filter((st) => st.effect === iam.Effect.DENY)) principal.addToPrincipalPolicy(s.copy());
  }
  return current
    .filter((s) => s.effect === iam.Effect.ALLOW)
    .map((s) => iam.Grant.addToPrincipal({ grantee: sink, actions: s.actions, resourceArns: s.resources, conditions: s.conditions }))
    .reduce((a, b) => a.combine(b), iam.Grant.drop(grantee, 'no statements'));
}

/**
 * Two personas on one principal whose explicit denies cancel each other's permissions (build and
 * operate, invoke and audit) leave it unable to do either job, with no error until run time: say
 * so at synth.
 */
function warnOnCancellingPolicies(target: object, principal: iam.IPrincipal, attached: AttachedPolicy): void {
  const others = ATTACHED_POLICIES.get(target) ?? [];
  if (others.some((o) => o.owner === attached.owner)) return;
  for (const other of others) {
    for (const [allowing, denying] of [[attached, other], [other, attached]] as const) {
      const cancelled = cancelledActions(allowing.statements(), denying.statements());
      if (cancelled.length === 0) continue;
      const [a, d] = [allowing.owner.node.path, denying.owner.node.path];
      Annotations.of(attached.owner).addWarningV2(
        'bedrock-secure-platform:personasCancelEachOther',
        `${a} and ${d} are attached to the same principal (${principal}): the explicit denies of ${d} block ${cancelled.slice(0, 5).join(', ')}${cancelled.length > 5 ? ` and ${cancelled.length - 5} more` : ''} that ${a} allows. Give each persona its own role.`,
      );
    }
  }
  ATTACHED_POLICIES.set(target, [...others, attached]);
}

/**
 * Permissions held in ONE customer-managed policy that is attached to every grantee: the base of
 * the persona policies. Managed, not inline: the NIST 800-53, HIPAA and PCI packs reject inline
 * policies, and one shared document is easier to review than a copy per role.
 *
 * One statement per purpose (Sid): adding resources to a purpose later (the persona's `add*` and
 * `allow*` methods) extends its statement in place, never adds a second one, and the document is
 * rendered from the statements at synthesis.
 */
export abstract class AttachablePolicy extends Construct {
  /** The managed policy holding the statements. */
  public readonly managedPolicy: iam.ManagedPolicy;
  private readonly statements: iam.PolicyStatement[] = [];
  private readonly bySid = new Map<string, iam.PolicyStatement>();

  protected constructor(scope: Construct, id: string, description: string) {
    super(scope, id);
    this.managedPolicy = new iam.ManagedPolicy(this, 'Policy', { description });
  }

  /** The policy's statements (Allow and Deny), in order. */
  public get policyStatements(): iam.PolicyStatement[] {
    return [...this.statements];
  }

  /**
   * Adds an Allow statement, or extends the statement of the same Sid with the resources it lacks
   * (and the new condition values); acknowledges each wildcard resource with the statement's reason.
   */
  protected allow(allow: PersonaAllow): void {
    if (allow.resources.length === 0) return;
    this.upsert(allow.sid, iam.Effect.ALLOW, allow.actions, allow.resources, allow.conditions);
    const wildcards = allow.resources.filter((r) => r.includes('*'));
    if (wildcards.length > 0) {
      if (!allow.wildcardReason) throw new Error(`internal: statement ${allow.sid} has a wildcard resource and no reason`);
      acknowledgeWildcardResources(this.managedPolicy, allow.resources, allow.wildcardReason);
    }
  }

  /** Adds (or extends) an explicit Deny (separation of duties: holds even when another policy allows). */
  protected deny(sid: string, actions: string[], resources: readonly string[], conditions?: Record<string, Record<string, unknown>>): void {
    if (resources.length === 0) return;
    this.upsert(sid, iam.Effect.DENY, actions, resources, conditions);
  }

  /** Gives `grantee` this policy's permissions: see {@link attachPolicy}. */
  protected attachTo(grantee: iam.IGrantable): iam.Grant {
    return attachPolicy(this, this.managedPolicy, () => this.statements, grantee);
  }

  /** Adds any statement (e.g. a Deny with NotResource) to the policy; its Sid must be new. */
  protected addStatement(statement: iam.PolicyStatement): void {
    if (statement.sid) {
      if (this.bySid.has(statement.sid)) throw new Error(`internal: ${this.node.path} already has a statement ${statement.sid}`);
      this.bySid.set(statement.sid, statement);
    }
    this.statements.push(statement);
    this.managedPolicy.addStatements(statement);
  }

  private upsert(sid: string, effect: iam.Effect, actions: string[], resources: readonly string[], conditions?: Record<string, Record<string, unknown>>): void {
    const existing = this.bySid.get(sid);
    if (!existing) {
      this.addStatement(new iam.PolicyStatement({ sid, effect, actions, resources: [...new Set(resources)], conditions }));
      return;
    }
    const known = new Set(existing.resources);
    const fresh = [...new Set(resources)].filter((r) => !known.has(r));
    if (fresh.length > 0) existing.addResources(...fresh);
    // Operator by operator: a condition key given again takes its new (complete) value.
    for (const [operator, values] of Object.entries(conditions ?? {})) existing.addCondition(operator, values);
  }
}
