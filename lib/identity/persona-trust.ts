import { CfnJson, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireIntegerInRange, requireNonEmpty, requirePattern } from '../core/validate';
import { requireObject, requireProps, requireString, requireStrings } from './input-checks';

/** Options of {@link PersonaTrust.saml}. */
export interface SamlTrustOptions {
  /**
   * The `SAML:aud` the assertion must carry: the sign-in endpoint the IdP posts to.
   * @default 'https://signin.aws.amazon.com/saml'
   */
  readonly audience?: string;
}

/** Options of {@link PersonaTrust.oidc}. */
export interface OidcTrustOptions {
  /** Accepted `aud` claims (the client IDs registered with the provider). At least one. */
  readonly audiences: string[];
  /**
   * Accepted `sub` claims; `*` and `?` wildcards allowed (StringLike), e.g.
   * `repo:my-org/my-repo:ref:refs/heads/main`. At least one: a provider trusted for every subject
   * lets anyone with an account at the provider assume the role.
   */
  readonly subjects: string[];
}

/** Options of {@link PersonaTrust.accounts}. */
export interface AccountTrustOptions {
  /**
   * Longest time since the caller's MFA sign-in (`aws:MultiFactorAuthAge`).
   * @default no age limit (MFA is still required)
   */
  readonly maxMfaAge?: Duration;
}

type Binder = (scope: Construct) => iam.IPrincipal;

/**
 * What an OIDC subject pattern must pin before its first wildcard (`*` or `?`): a claim and a
 * whole first value, e.g. `repo:my-org/` (GitHub: the owner, so `repo:my-org/*` trusts that owner's
 * repositories only) or `project_path:my-group/` (GitLab). A subject without wildcards is exact
 * and always accepted.
 */
const PINNED_SUBJECT_PREFIX = /^(repo:[^/:*?]+\/|(?!repo:)[^:*?]+:[^:/*?]+[:/])/;

/**
 * Refuses an OIDC subject pattern that matches everything or nearly (`*`, `*:*`, `**`, `?*`,
 * `repo:*`, `repo:*:*`, `repo:my-org*`): the literal text before the first wildcard must pin a
 * claim and its whole first value ({@link PINNED_SUBJECT_PREFIX}); without the separator that ends
 * the value, `repo:my-org*` would also match `repo:my-org-evil/app`.
 */
function requirePinnedSubject(scope: Construct, prop: string, subject: string): void {
  if (Token.isUnresolved(subject)) return;
  const wildcard = subject.search(/[*?]/);
  if (wildcard < 0) return;
  if (!PINNED_SUBJECT_PREFIX.test(subject.slice(0, wildcard))) {
    throw new PlatformValidationError(
      scope,
      prop,
      subject,
      "A wildcard before the subject names its owner trusts (nearly) every subject of the provider. Spell out the claim and its whole first value before any * or ?: 'repo:<owner>/' at least for GitHub (e.g. 'repo:my-org/my-repo:ref:refs/heads/main' or 'repo:my-org/*'), '<claim>:<value>:' or '<claim>:<value>/' for other providers.",
    );
  }
}

/** IAM principals of several accounts, in one statement, with conditions. */
class AccountsPrincipal extends iam.PrincipalBase {
  public readonly policyFragment: iam.PrincipalPolicyFragment;

  constructor(partition: string, accounts: readonly string[], conditions: iam.Conditions) {
    super();
    const arns = accounts.map((a) => `arn:${partition}:iam::${a}:root`);
    this.policyFragment = new iam.PrincipalPolicyFragment({ AWS: arns }, conditions);
  }

  public override toString(): string {
    return `AccountsPrincipal(${this.policyFragment.principalJson.AWS.join(',')})`;
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * Who may assume a persona role: a federated workforce (SAML), a workload identity (OIDC), IAM
 * principals of named accounts (MFA always required), or an AWS service (application runtime).
 */
export class PersonaTrust {
  /** Users federated through a SAML 2.0 identity provider (`sts:AssumeRoleWithSAML`, `SAML:aud` checked). */
  public static saml(provider: iam.ISamlProvider, options: SamlTrustOptions = {}): PersonaTrust {
    return new PersonaTrust('SAML', (scope) => {
      requireObject(scope, 'trust.provider', provider, 'samlProviderArn', 'a SAML provider (iam.SamlProvider or iam.SamlProvider.fromSamlProviderArn)');
      const audience = requirePattern(scope, 'trust.audience', options.audience ?? 'https://signin.aws.amazon.com/saml', /^https:\/\/([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/saml$/, 'an AWS sign-in SAML endpoint such as https://signin.aws.amazon.com/saml or https://eu-west-1.signin.aws.amazon.com/saml');
      return new iam.SamlPrincipal(provider, { StringEquals: { 'SAML:aud': audience } });
    });
  }

  /** Workloads holding an OIDC token from `provider` (`sts:AssumeRoleWithWebIdentity`), `aud` and `sub` checked. */
  public static oidc(provider: iam.IOpenIdConnectProvider, options: OidcTrustOptions): PersonaTrust {
    return new PersonaTrust('OIDC', (scope) => {
      requireObject(scope, 'trust.provider', provider, 'openIdConnectProviderArn', 'an OIDC provider (iam.OpenIdConnectProvider or iam.OpenIdConnectProvider.fromOpenIdConnectProviderArn)');
      requireProps(scope, options, 'Pass { audiences, subjects }: a provider trusted for every subject lets any of its users assume the role.');
      const audiences = requireStrings(scope, 'trust.audiences', options.audiences, /^[\s\S]+$/, 'an audience (client ID) such as sts.amazonaws.com');
      const subjects = requireStrings(scope, 'trust.subjects', options.subjects, /^[\s\S]+$/, 'a subject such as repo:my-org/my-repo:ref:refs/heads/main');
      requireNonEmpty(scope, 'trust.audiences', options.audiences === undefined ? [] : audiences, 'List at least one audience (client ID).');
      requireNonEmpty(scope, 'trust.subjects', options.subjects === undefined ? [] : subjects, 'List at least one subject: trusting every subject of a provider lets any of its users assume the role.');
      if (!Token.isUnresolved(subjects)) subjects.forEach((s, i) => requirePinnedSubject(scope, `trust.subjects[${i}]`, s));
      const issuer = provider.openIdConnectProviderIssuer;
      const aud = { [`${issuer}:aud`]: [...audiences] };
      const sub = { [`${issuer}:sub`]: [...subjects] };
      // A provider created in the same stack has a token issuer: condition keys need CfnJson then.
      const asKey = (value: Record<string, string[]>, id: string): unknown => {
        if (!Token.isUnresolved(issuer)) return value;
        const json = new CfnJson(scope, id, { value });
        // CfnJson renders the keys at deploy time with aws-cdk-lib's stack-wide function.
        const provider = Stack.of(scope).node.tryFindChild('AWSCDKCfnUtilsProviderCustomResourceProvider');
        if (provider) {
          Validations.of(provider).acknowledge({
            id: 'ControlTower::lambda_inside_vpc_check',
            reason: 'aws-cdk-lib\'s function that turns token condition keys into JSON at deploy time calls no AWS service and has no VPC setting.',
          });
        }
        return json;
      };
      return new iam.OpenIdConnectPrincipal(provider, { StringEquals: asKey(aud, 'OidcAudienceCondition'), StringLike: asKey(sub, 'OidcSubjectCondition') });
    });
  }

  /** IAM principals of `accountIds` (their admins decide who), only when signed in with MFA. */
  public static accounts(accountIds: string[], options: AccountTrustOptions = {}): PersonaTrust {
    return new PersonaTrust('accounts', (scope) => {
      const accounts = requireStrings(scope, 'trust.accountIds', accountIds, /^\d{12}$/, 'a 12-digit AWS account ID');
      requireNonEmpty(scope, 'trust.accountIds', accountIds === undefined ? [] : accounts, 'List at least one account ID.');
      const conditions: iam.Conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
      if (options.maxMfaAge) {
        const seconds = requireIntegerInRange(scope, 'trust.maxMfaAge (seconds)', options.maxMfaAge.toSeconds(), 60, 129600);
        Object.assign(conditions, { NumericLessThan: { 'aws:MultiFactorAuthAge': String(seconds) } });
      }
      // One statement naming every account (not one per account, as CompositePrincipal renders
      // without the minimizePolicies flag): the trust policy quota is 2,048 characters.
      return new AccountsPrincipal(Stack.of(scope).partition, accounts, conditions);
    }, Array.isArray(accountIds) && !Token.isUnresolved(accountIds) ? new Set(accountIds).size : undefined);
  }

  /** An AWS service running the application, e.g. `lambda.amazonaws.com` or `ecs-tasks.amazonaws.com`. */
  public static service(servicePrincipal: string): PersonaTrust {
    return new PersonaTrust('service', (scope) => {
      requireString(scope, 'trust.servicePrincipal', servicePrincipal, "a service principal such as 'lambda.amazonaws.com'");
      requirePattern(scope, 'trust.servicePrincipal', servicePrincipal, /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/, "a service principal such as 'lambda.amazonaws.com'");
      return new iam.ServicePrincipal(servicePrincipal);
    });
  }

  private constructor(
    /** The kind of trust, for descriptions. */
    public readonly kind: string,
    private readonly binder: Binder,
    /** For account trust: how many accounts are trusted (to say how many to remove when the trust policy is too large). */
    public readonly accountCount?: number,
  ) {}

  /** The principal to put in the role's trust policy, validated against `scope`. */
  public bind(scope: Construct): iam.IPrincipal {
    return this.binder(scope);
  }
}
