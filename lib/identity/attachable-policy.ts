import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, Dependable, IConstruct, IDependable } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { acknowledgeWildcardResources } from '../core/wildcard-acknowledgement';
import { MANAGED_POLICIES_PER_IDENTITY, MANAGED_POLICIES_PER_IDENTITY_CEILING, MANAGED_POLICY_MAX_CHARACTERS, renderedCharacters } from './policy-size';

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

/** The identity (role, user, group) a principal is, as a construct path or its string form. */
function nameOf(principal: iam.IPrincipal): string {
  return Construct.isConstruct(principal) ? principal.node.path : String(principal);
}

/**
 * Refuses a grantee the managed policy cannot be attached to: an identity of another account (IAM
 * attaches a managed policy in its own account only; aws-cdk-lib would fail with a cross-environment
 * reference, or, for an imported role, silently attach nothing), or a role of another Region's stack
 * (CloudFormation exports do not cross Regions).
 */
function requireSameEnvironment(owner: IConstruct, principal: iam.IPrincipal): void {
  const here = Stack.of(owner);
  const account = principal.principalAccount;
  const kind = owner.constructor.name;
  if (account !== undefined && !Token.isUnresolved(account) && !Token.isUnresolved(here.account) && account !== here.account) {
    throw new PlatformValidationError(
      owner,
      'grantee',
      nameOf(principal),
      `It is an identity of account ${account}, and this ${kind}'s managed policy is in account ${here.account}: IAM attaches a managed policy only to roles, users and groups of its own account. Create a ${kind} in a stack of account ${account} and grant from it there.`,
    );
  }
  if (!Construct.isConstruct(principal)) return;
  const there = Stack.of(principal);
  if (there !== here && !Token.isUnresolved(there.region) && !Token.isUnresolved(here.region) && there.region !== here.region) {
    throw new PlatformValidationError(
      owner,
      'grantee',
      nameOf(principal),
      `It is a role of stack ${there.stackName} (${there.region}), and this ${kind} is in stack ${here.stackName} (${here.region}): CloudFormation cannot reference a resource of another Region's stack. Create a ${kind} in ${there.stackName} (IAM policies are global) and grant from it there.`,
    );
  }
}

/** Identities whose managed-policy count is checked at synth (once each). */
const COUNTED = new WeakSet<object>();

/**
 * Checks at synth that `identity` (a role, user or group of this app) holds no more managed policies
 * than IAM allows: a warning above the default quota (10; raising it is a Service Quotas request),
 * an error above the most IAM allows (20; 10 for a group, not adjustable).
 */
function countManagedPoliciesAtSynth(identity: IConstruct): void {
  if (COUNTED.has(identity)) return;
  COUNTED.add(identity);
  const cfn = identity.node.defaultChild;
  const group = cfn instanceof iam.CfnGroup;
  if (!(cfn instanceof iam.CfnRole || cfn instanceof iam.CfnUser || group)) return;
  identity.node.addValidation({
    validate: () => {
      const arns: unknown = Stack.of(identity).resolve(cfn.managedPolicyArns);
      const count = Array.isArray(arns) ? arns.length : 0;
      const ceiling = group ? MANAGED_POLICIES_PER_IDENTITY : MANAGED_POLICIES_PER_IDENTITY_CEILING;
      if (count > ceiling) {
        return [
          `${identity.node.path}: ${count} managed policies are attached, and IAM allows at most ${ceiling} per ${group ? 'group' : 'role or user'}. Attach fewer personas or policies to it (each persona's permissions may take several managed policies when they exceed ${MANAGED_POLICY_MAX_CHARACTERS} characters), or give each persona its own role.`,
        ];
      }
      if (count > MANAGED_POLICIES_PER_IDENTITY) {
        Annotations.of(identity).addWarningV2(
          'bedrock-secure-platform:managedPoliciesQuota',
          `${identity.node.path}: ${count} managed policies are attached; IAM allows ${MANAGED_POLICIES_PER_IDENTITY} unless the account's quota "Managed policies per role" (or per user) is raised, up to ${MANAGED_POLICIES_PER_IDENTITY_CEILING}. Raise it before deploying, or attach fewer.`,
        );
      }
      return [];
    },
  });
}

/**
 * Attaches `policies` (owned by `owner`) to `grantee`'s role, user or group, once, and warns when
 * their explicit denies and those of another policy already attached there cancel each other.
 * Returns an `iam.Grant` of the Allow statements among `statements` (with the policies as its
 * dependable). A principal that is none of those gets the statements in its own policy, where it
 * has one. `onAttached` hears of each identity attached to (the owner attaches later policies too).
 */
export function attachPolicy(
  owner: IConstruct,
  policies: () => readonly iam.IManagedPolicy[],
  statements: () => readonly iam.PolicyStatement[],
  grantee: iam.IGrantable,
  onAttached?: (identity: { addManagedPolicy(policy: iam.IManagedPolicy): void }) => void,
): iam.Grant {
  if (grantee === null || typeof grantee !== 'object' || grantee.grantPrincipal === undefined) {
    throw new PlatformValidationError(owner, 'grantee', grantee, 'Must be a role, user, group or other iam.IGrantable (import a role by ARN with iam.Role.fromRoleArn).');
  }
  const principal = grantee.grantPrincipal;
  // addManagedPolicy, not attachToRole: an immutable import stays untouched, as everywhere in CDK.
  const target = identityOf(principal);
  if (target) {
    requireSameEnvironment(owner, principal);
    const done = ATTACHED_TO.get(owner) ?? new WeakSet<object>();
    ATTACHED_TO.set(owner, done);
    if (!done.has(target)) {
      done.add(target);
      for (const policy of policies()) target.addManagedPolicy(policy);
      onAttached?.(target);
      if (Construct.isConstruct(target)) countManagedPoliciesAtSynth(target);
    }
    warnOnCancellingPolicies(target, principal, { owner, statements });
  }
  const viaPrincipal = target === undefined;
  // Every policy of the owner, including those split off later: resolved when a dependency is taken.
  const dependable: IDependable = {};
  Dependable.implement(dependable, {
    get dependencyRoots() {
      return policies().filter((p): p is iam.IManagedPolicy & IConstruct => Construct.isConstruct(p));
    },
  });

  // An ordinary iam.Grant (statements + dependency on the policies) for callers that use it.
  const sink: iam.IPrincipal = {
    get grantPrincipal() {
      return sink;
    },
    assumeRoleAction: principal.assumeRoleAction,
    policyFragment: principal.policyFragment,
    principalAccount: principal.principalAccount,
    addToPrincipalPolicy: (statement) => (viaPrincipal ? principal.addToPrincipalPolicy(statement) : { statementAdded: true, policyDependable: dependable }),
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
 * Two pieces of one statement as one: resources and condition values united, key by key. Both are
 * narrowings of the same statement, so the union never allows more than the statement itself.
 */
function mergePieces(a: iam.PolicyStatement, b: iam.PolicyStatement): iam.PolicyStatement {
  const conditions: Record<string, Record<string, unknown>> = {};
  for (const c of [a.conditions, b.conditions] as Array<Record<string, Record<string, unknown>> | undefined>) {
    for (const [operator, keys] of Object.entries(c ?? {})) {
      for (const [key, value] of Object.entries(keys)) {
        const known = conditions[operator]?.[key];
        const values = [...new Set([...[known ?? []].flat(), ...[value].flat()])];
        conditions[operator] = { ...conditions[operator], [key]: values.length === 1 ? values[0] : values };
      }
    }
  }
  return a.copy({ resources: [...new Set([...a.resources, ...b.resources])], conditions });
}

/** Characters of `{"Version":"2012-10-17","Statement":[]}`: what a document holds besides its statements. */
const DOCUMENT_OVERHEAD = 39;

/**
 * The document of one managed policy of a persona: the statements the persona's layout gives it,
 * read when CloudFormation renders it (so statements added or grown later land where they fit).
 * Statements added to the managed policy directly join the persona's.
 */
class PolicyPart extends iam.PolicyDocument {
  constructor(
    private readonly statementsOf: () => iam.PolicyStatement[],
    private readonly add: (statement: iam.PolicyStatement) => void,
  ) {
    super();
  }

  public override resolve(context: import('aws-cdk-lib').IResolveContext): unknown {
    return this.view().resolve(context);
  }
  public override get isEmpty(): boolean {
    return this.statementsOf().length === 0;
  }
  public override get statementCount(): number {
    return this.statementsOf().length;
  }
  public override addStatements(...statements: iam.PolicyStatement[]): void {
    // PolicyDocument's constructor adds its (no) statements before `add` is set.
    if (this.add) statements.forEach((s) => this.add(s));
  }
  public override toJSON(): unknown {
    return this.view().toJSON();
  }
  public override validateForAnyPolicy(): string[] {
    return this.view().validateForAnyPolicy();
  }
  public override validateForIdentityPolicy(): string[] {
    return this.view().validateForIdentityPolicy();
  }

  private view(): iam.PolicyDocument {
    return new iam.PolicyDocument({ statements: this.statementsOf() });
  }
}

/**
 * Permissions held in customer-managed policies attached to every grantee: the base of the persona
 * policies. Managed, not inline: the NIST 800-53, HIPAA and PCI packs reject inline policies, and
 * one shared document is easier to review than a copy per role.
 *
 * One statement per purpose (Sid): adding resources to a purpose later (the persona's `add*` and
 * `allow*` methods) extends its statement in place, never adds a second one, and the documents are
 * rendered from the statements at synthesis.
 *
 * IAM caps a managed policy at 6,144 characters (white space not counted; two `eu.` cross-Region
 * profiles in an invoker already pass it). The statements are laid out in order over as many
 * managed policies as they need ({@link managedPolicies}; the first is {@link managedPolicy}), all
 * attached to every grantee; a statement too large for one policy on its own is cut into statements
 * of the same Sid and fewer resources, one per policy, so no document repeats a Sid. Only a
 * statement that cannot be cut (a single resource, or `NotResource`) can still be too large: synth
 * fails then, naming it. IAM allows 10 managed policies per role by default (20 on request): synth
 * warns above 10 and fails above 20.
 */
export abstract class AttachablePolicy extends Construct {
  /** The (first) managed policy holding the statements. */
  public readonly managedPolicy: iam.ManagedPolicy;
  private readonly parts: iam.ManagedPolicy[] = [];
  private readonly statements: iam.PolicyStatement[] = [];
  private readonly bySid = new Map<string, iam.PolicyStatement>();
  private readonly identities: Array<{ addManagedPolicy(policy: iam.IManagedPolicy): void }> = [];
  private readonly wildcards: Array<{ resources: readonly string[]; reason: string }> = [];
  private readonly description: string;
  /** The layout of the current statements (cleared by every change; recomputed once at synth). */
  private cachedLayout?: iam.PolicyStatement[][];
  /** Per Sid, how the persona cuts its statement into narrower ones that together allow the same (see {@link cutWith}). */
  private readonly cutters = new Map<string, () => iam.PolicyStatement[]>();

  protected constructor(scope: Construct, id: string, description: string) {
    super(scope, id);
    this.description = description;
    this.managedPolicy = this.addPart();
    this.node.addValidation({ validate: () => this.validateLayout() });
  }

  /** The policy's statements (Allow and Deny), in order. */
  public get policyStatements(): iam.PolicyStatement[] {
    return [...this.statements];
  }

  /** Every managed policy holding the statements, in order: more than one when they exceed IAM's size limit. */
  public get managedPolicies(): iam.ManagedPolicy[] {
    return [...this.parts];
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
      // On every managed policy: the layout decides at synth which one holds the statement.
      this.wildcards.push({ resources: allow.resources, reason: allow.wildcardReason });
      for (const part of this.parts) acknowledgeWildcardResources(part, allow.resources, allow.wildcardReason);
    }
    this.layOut();
  }

  /** Adds (or extends) an explicit Deny (separation of duties: holds even when another policy allows). */
  protected deny(sid: string, actions: string[], resources: readonly string[], conditions?: Record<string, Record<string, unknown>>): void {
    if (resources.length === 0) return;
    this.upsert(sid, iam.Effect.DENY, actions, resources, conditions);
    this.layOut();
  }

  /**
   * Tells the layout how to cut the statement `sid` when it does not fit one managed policy: into
   * statements of the same Sid, each a narrowing of it (fewer resources, fewer values of a positive
   * condition) that together allow what the persona needs, e.g. one per inference profile with the
   * models it routes to. Pieces that land in the same document are merged back (a union of
   * narrowings of one statement never allows more than the statement).
   */
  protected cutWith(sid: string, cut: () => iam.PolicyStatement[]): void {
    this.cutters.set(sid, cut);
    this.layOut();
  }

  /** Gives `grantee` this policy's permissions: see `attachPolicy`. */
  protected attachTo(grantee: iam.IGrantable): iam.Grant {
    return attachPolicy(this, () => this.parts, () => this.statements, grantee, (identity) => this.identities.push(identity));
  }

  /** Adds any statement (e.g. a Deny with NotResource) to the policy; its Sid must be new. */
  protected addStatement(statement: iam.PolicyStatement): void {
    this.push(statement);
    this.layOut();
  }

  private push(statement: iam.PolicyStatement): void {
    if (statement.sid) {
      if (this.bySid.has(statement.sid)) throw new Error(`internal: ${this.node.path} already has a statement ${statement.sid}`);
      this.bySid.set(statement.sid, statement);
    }
    this.statements.push(statement);
  }

  private upsert(sid: string, effect: iam.Effect, actions: string[], resources: readonly string[], conditions?: Record<string, Record<string, unknown>>): void {
    const existing = this.bySid.get(sid);
    if (!existing) {
      this.push(new iam.PolicyStatement({ sid, effect, actions, resources: [...new Set(resources)], conditions }));
      return;
    }
    const known = new Set(existing.resources);
    const fresh = [...new Set(resources)].filter((r) => !known.has(r));
    if (fresh.length > 0) existing.addResources(...fresh);
    // Operator by operator: a condition key given again takes its new (complete) value.
    for (const [operator, values] of Object.entries(conditions ?? {})) existing.addCondition(operator, values);
  }

  /** A new managed policy for the statements that no longer fit, attached wherever the others are. */
  private addPart(): iam.ManagedPolicy {
    const index = this.parts.length;
    const policy = new iam.ManagedPolicy(this, index === 0 ? 'Policy' : `Policy${index + 1}`, {
      description: index === 0 ? this.description : `${this.description} (part ${index + 1})`,
      document: new PolicyPart(
        () => this.layout()[index] ?? [],
        (s) => this.addStatement(s),
      ),
    });
    this.parts.push(policy);
    for (const w of this.wildcards) acknowledgeWildcardResources(policy, w.resources, w.reason);
    for (const identity of this.identities) identity.addManagedPolicy(policy);
    return policy;
  }

  /** Creates the managed policies the statements now need (never fewer: a policy once created stays). */
  private layOut(): void {
    this.cachedLayout = undefined;
    const needed = this.layout().length;
    while (this.parts.length < needed) this.addPart();
  }

  /** Characters a statement (or a resource) adds to a document. */
  private size(value: unknown): number {
    return renderedCharacters(this, value);
  }

  /**
   * The statements as they fill the managed policies: in order, each into the current policy if it
   * fits, else into the next (sizes only grow, so the number of policies never shrinks). A statement
   * too large for an empty policy is cut, by resources, into statements of the same Sid.
   */
  private layout(): iam.PolicyStatement[][] {
    this.cachedLayout ??= this.computeLayout();
    return this.cachedLayout;
  }

  private computeLayout(): iam.PolicyStatement[][] {
    const budget = MANAGED_POLICY_MAX_CHARACTERS - DOCUMENT_OVERHEAD;
    const bins: iam.PolicyStatement[][] = [[]];
    let used = 0;
    for (const statement of this.statements) {
      for (const piece of this.pieces(statement, budget)) {
        const bin = bins[bins.length - 1];
        const size = this.size(piece.toStatementJson()) + 1; // the comma between statements
        const last = bin[bin.length - 1];
        // A piece of the statement the bin already holds joins it: one Sid per document.
        if (last !== undefined && last.sid !== undefined && last.sid === piece.sid) {
          const merged = mergePieces(last, piece);
          const grown = this.size(merged.toStatementJson()) - this.size(last.toStatementJson());
          if (used + grown <= budget) {
            bin[bin.length - 1] = merged;
            used += grown;
            continue;
          }
        }
        if (bin.length > 0 && used + size > budget) {
          bins.push([piece]);
          used = size;
        } else {
          bin.push(piece);
          used += size;
        }
      }
    }
    // Never leave a managed policy created earlier empty (IAM refuses an empty document).
    while (bins.length < this.parts.length) {
      const from = [...bins].reverse().find((b) => b.length > 1);
      if (!from) break;
      bins.push([from.pop()!]);
    }
    return bins;
  }

  /** `statement` as copies that each fit `budget` where possible: whole, or cut by the persona's cutter, then by resources. */
  private pieces(statement: iam.PolicyStatement, budget: number): iam.PolicyStatement[] {
    if (this.size(statement.toStatementJson()) + 1 <= budget) return [statement.copy()];
    const cut = statement.sid !== undefined ? this.cutters.get(statement.sid) : undefined;
    return (cut ? cut() : [statement]).flatMap((p) => this.cutByResources(p, budget));
  }

  /** A statement cut into statements of fewer resources that each fit, when its resources are what makes it too large. */
  private cutByResources(statement: iam.PolicyStatement, budget: number): iam.PolicyStatement[] {
    const resources = statement.resources;
    if (this.size(statement.toStatementJson()) + 1 <= budget || resources.length < 2 || Token.isUnresolved(resources)) return [statement.copy()];
    // `"Resource":[...]` is rendered as a list when it holds several entries: count its brackets and commas.
    const base = this.size(statement.copy({ resources: [] }).toStatementJson()) + '"Resource":[],'.length + 1;
    const sizes = resources.map((r) => this.size(r) + 1);
    // Conditions too large on their own: cutting resources cannot help (synth reports the statement).
    if (base + Math.max(...sizes) > budget) return [statement.copy()];
    const pieces: iam.PolicyStatement[] = [];
    let chunk: string[] = [];
    let used = base;
    resources.forEach((r, i) => {
      if (chunk.length > 0 && used + sizes[i] > budget) {
        pieces.push(statement.copy({ resources: chunk }));
        chunk = [];
        used = base;
      }
      chunk.push(r);
      used += sizes[i];
    });
    pieces.push(statement.copy({ resources: chunk }));
    return pieces;
  }

  /** Synth-time check of the rendered documents against IAM's limits. */
  private validateLayout(): string[] {
    // Values may have changed since the last mutation (Lazy lists): lay out again, once.
    this.cachedLayout = undefined;
    const bins = this.layout();
    const errors: string[] = [];
    if (bins.length > this.parts.length) {
      errors.push(`${this.node.path}: its statements grew after they were laid out (a value that changed at synth, such as a Lazy list) and need ${bins.length} managed policies, ${this.parts.length} were created. Add the resources before synthesis.`);
    }
    if (this.parts.length > MANAGED_POLICIES_PER_IDENTITY_CEILING) {
      errors.push(`${this.node.path}: its statements need ${this.parts.length} managed policies of ${MANAGED_POLICY_MAX_CHARACTERS} characters, more than the ${MANAGED_POLICIES_PER_IDENTITY_CEILING} IAM lets a role hold. Allow fewer models, keys or resources.`);
    }
    for (const piece of bins.flat()) {
      const size = this.size(piece.toStatementJson()) + DOCUMENT_OVERHEAD;
      if (size > MANAGED_POLICY_MAX_CHARACTERS) {
        errors.push(
          `${this.node.path}: statement ${piece.sid ?? '(no Sid)'} alone renders to ${size} characters, more than the ${MANAGED_POLICY_MAX_CHARACTERS} IAM allows in a managed policy (white space not counted), and it cannot be cut further (one resource, or NotResource). Remove about ${size - MANAGED_POLICY_MAX_CHARACTERS} characters from it: fewer conditions values (e.g. fewer inference profiles) or shorter ARNs.`,
        );
      }
    }
    return errors;
  }
}
