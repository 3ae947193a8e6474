import { CfnJson, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { requireAccountId, requireIntegerInRange, requireNonEmpty, requirePattern } from '../core/validate';

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
 * Who may assume a persona role: a federated workforce (SAML), a workload identity (OIDC), IAM
 * principals of named accounts (MFA always required), or an AWS service (application runtime).
 */
export class PersonaTrust {
  /** Users federated through a SAML 2.0 identity provider (`sts:AssumeRoleWithSAML`, `SAML:aud` checked). */
  public static saml(provider: iam.ISamlProvider, options: SamlTrustOptions = {}): PersonaTrust {
    return new PersonaTrust('SAML', (scope) => {
      const audience = requirePattern(scope, 'trust.audience', options.audience ?? 'https://signin.aws.amazon.com/saml', /^https:\/\/([a-z0-9-]+\.)?signin\.(aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/saml$/, 'an AWS sign-in SAML endpoint such as https://signin.aws.amazon.com/saml or https://eu-west-1.signin.aws.amazon.com/saml');
      return new iam.SamlPrincipal(provider, { StringEquals: { 'SAML:aud': audience } });
    });
  }

  /** Workloads holding an OIDC token from `provider` (`sts:AssumeRoleWithWebIdentity`), `aud` and `sub` checked. */
  public static oidc(provider: iam.IOpenIdConnectProvider, options: OidcTrustOptions): PersonaTrust {
    return new PersonaTrust('OIDC', (scope) => {
      requireNonEmpty(scope, 'trust.audiences', options.audiences ?? [], 'List at least one audience (client ID).');
      requireNonEmpty(scope, 'trust.subjects', options.subjects ?? [], 'List at least one subject: trusting every subject of a provider lets any of its users assume the role.');
      options.subjects.forEach((s, i) => {
        if (!Token.isUnresolved(s) && /^\*+$/.test(s)) throw new PlatformValidationError(scope, `trust.subjects[${i}]`, s, 'A bare wildcard trusts every subject of the provider; name the subjects.');
      });
      const issuer = provider.openIdConnectProviderIssuer;
      const aud = { [`${issuer}:aud`]: options.audiences };
      const sub = { [`${issuer}:sub`]: options.subjects };
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
      requireNonEmpty(scope, 'trust.accountIds', accountIds ?? [], 'List at least one account ID.');
      accountIds.forEach((a, i) => requireAccountId(scope, `trust.accountIds[${i}]`, a));
      const conditions: iam.Conditions = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
      if (options.maxMfaAge) {
        const seconds = requireIntegerInRange(scope, 'trust.maxMfaAge (seconds)', options.maxMfaAge.toSeconds(), 60, 129600);
        Object.assign(conditions, { NumericLessThan: { 'aws:MultiFactorAuthAge': String(seconds) } });
      }
      return new iam.CompositePrincipal(...accountIds.map((a) => new iam.AccountPrincipal(a).withConditions(conditions)));
    });
  }

  /** An AWS service running the application, e.g. `lambda.amazonaws.com` or `ecs-tasks.amazonaws.com`. */
  public static service(servicePrincipal: string): PersonaTrust {
    return new PersonaTrust('service', (scope) => {
      requirePattern(scope, 'trust.servicePrincipal', servicePrincipal, /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/, "a service principal such as 'lambda.amazonaws.com'");
      return new iam.ServicePrincipal(servicePrincipal);
    });
  }

  private constructor(
    /** The kind of trust, for descriptions. */
    public readonly kind: string,
    private readonly binder: Binder,
  ) {}

  /** The principal to put in the role's trust policy, validated against `scope`. */
  public bind(scope: Construct): iam.IPrincipal {
    return this.binder(scope);
  }
}
