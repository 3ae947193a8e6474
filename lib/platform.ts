import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformValidationError } from './core/errors';
import { PlatformKey, PlatformKeyProps } from './core/platform-key';
import { BedrockAuditTrail, BedrockAuditTrailProps } from './governance/bedrock-audit-trail';
import { ModelInvocationLogging, ModelInvocationLoggingProps } from './governance/model-invocation-logging';
import { BedrockFeature } from './network/bedrock-features';
import { BedrockPrivateLink, BedrockPrivateLinkProps } from './network/bedrock-private-link';
import { DirectConnectPath, DirectConnectPathProps } from './network/direct-connect-path';
import { PublicPath, PublicPathProps } from './network/public-path';
import { AccessLogsBucket } from './security/secure-bucket';

/** How applications reach Bedrock. PrivateLink is the default; the others are opt-in. */
export interface PlatformNetworkProps {
  /**
   * Path 1, public: a VPC whose applications reach Bedrock through NAT and an internet gateway.
   * When set, the PrivateLink endpoints (if any) go into this VPC.
   * @default no public path
   */
  readonly publicPath?: PublicPathProps;
  /**
   * Path 2, PrivateLink: interface endpoints per Bedrock feature. Set `false` to have none (then
   * the platform's own deploy-time function runs outside any VPC).
   * @default `{ features: [RUNTIME, AGENTS_RUNTIME] }` in a new isolated VPC (no NAT, no internet route)
   */
  readonly privateLink?: Omit<BedrockPrivateLinkProps, 'vpc' | 'encryptionKey'> | false;
  /**
   * Path 3, Direct Connect from the corporate network to the PrivateLink VPC, with an inbound
   * resolver for on-premises DNS. Needs `privateLink`.
   * @default no Direct Connect path
   */
  readonly directConnect?: Omit<DirectConnectPathProps, 'vpc' | 'privateLink'>;
}

/** Properties of a {@link BedrockPlatform}. */
export interface BedrockPlatformProps {
  /**
   * An existing customer-managed key to encrypt everything with (see `PlatformKey.fromKeyArn`).
   * Its policy must already admit the services the platform uses (`PlatformKey.consumerStatements`).
   * @default a new {@link PlatformKey}
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Settings of the new platform key; ignored when `encryptionKey` is given.
   * @default PlatformKey defaults
   */
  readonly key?: PlatformKeyProps;

  /**
   * Connection paths to Bedrock.
   * @default PrivateLink only, in a new isolated VPC
   */
  readonly network?: PlatformNetworkProps;

  /**
   * CloudTrail trail and high-risk activity alerts; `false` for none.
   * @default a single-Region trail with management and Bedrock data events, and alerts
   */
  readonly audit?: Omit<BedrockAuditTrailProps, 'encryptionKey' | 'accessLogsBucket'> | false;

  /**
   * Model invocation logging (account- and Region-wide); `false` to leave the setting alone.
   * @default logs to a KMS-encrypted log group and bucket, all modalities
   */
  readonly invocationLogging?: Omit<ModelInvocationLoggingProps, 'encryptionKey' | 'accessLogsBucket' | 'vpc'> | false;

  /**
   * Email addresses that receive high-risk activity alerts and delivery-failure alarms.
   * @default none (subscribe later to the topic)
   */
  readonly alertEmails?: string[];
}

/** The features a default private path makes reachable: model invocation and knowledge-base retrieval. */
export const DEFAULT_PRIVATE_FEATURES: readonly BedrockFeature[] = [BedrockFeature.RUNTIME, BedrockFeature.AGENTS_RUNTIME];

/**
 * The whole platform in one construct: one key, the connection paths, the audit trail and
 * invocation logging, wired with secure defaults. Each part is also usable on its own.
 */
export class BedrockPlatform extends Construct {
  /** Key that encrypts every log group, bucket and topic of the platform. */
  public readonly encryptionKey: kms.IKey;
  /** The platform key, when this construct created it. */
  public readonly platformKey?: PlatformKey;
  /** Shared target of every bucket's access logs. */
  public readonly accessLogs: AccessLogsBucket;
  /** Path 1, when asked for. */
  public readonly publicPath?: PublicPath;
  /** Path 2, unless turned off. */
  public readonly privateLink?: BedrockPrivateLink;
  /** Path 3, when asked for. */
  public readonly directConnect?: DirectConnectPath;
  /** The audit trail and alerts, unless turned off. */
  public readonly audit?: BedrockAuditTrail;
  /** Model invocation logging, unless turned off. */
  public readonly invocationLogging?: ModelInvocationLogging;

  constructor(scope: Construct, id: string, props: BedrockPlatformProps = {}) {
    super(scope, id);
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      this.platformKey = new PlatformKey(this, 'Key', props.key);
      this.encryptionKey = this.platformKey.key;
    }
    const encryptionKey = this.encryptionKey;
    this.accessLogs = new AccessLogsBucket(this, 'AccessLogs');
    const accessLogsBucket = this.accessLogs.bucket;

    const network = props.network ?? {};
    if (network.publicPath) {
      this.publicPath = new PublicPath(this, 'PublicPath', { encryptionKey, ...network.publicPath });
    }
    if (network.privateLink !== false) {
      const privateLink = network.privateLink ?? { features: DEFAULT_PRIVATE_FEATURES };
      this.privateLink = new BedrockPrivateLink(this, 'PrivateLink', {
        ...privateLink,
        ...(this.publicPath ? { vpc: this.publicPath.vpc } : { encryptionKey }),
      });
    }
    if (network.directConnect) {
      if (!this.privateLink) {
        throw new PlatformValidationError(this, 'network.privateLink', false, 'network.directConnect needs a private path: on-premises clients reach Bedrock through its endpoints.');
      }
      this.directConnect = new DirectConnectPath(this, 'DirectConnect', { ...network.directConnect, vpc: this.privateLink.vpc, privateLink: this.privateLink });
    }

    if (props.audit !== false) {
      this.audit = new BedrockAuditTrail(this, 'Audit', { alertEmails: props.alertEmails, ...props.audit, encryptionKey, accessLogsBucket });
    }
    if (props.invocationLogging !== false) {
      // On a private path the deploy-time handler runs in the endpoint subnets, and the network
      // gets exactly the endpoints it calls.
      const privateLink = this.privateLink;
      this.invocationLogging = new ModelInvocationLogging(this, 'InvocationLogging', {
        alarmTopic: this.audit?.alerts?.topic,
        alarmEmails: this.audit?.alerts ? undefined : props.alertEmails,
        ...props.invocationLogging,
        encryptionKey,
        accessLogsBucket,
        ...(privateLink ? { vpc: privateLink.vpc, vpcSubnets: privateLink.applicationSubnets } : {}),
      });
      if (privateLink) {
        privateLink.addSupportEndpointsFor(this.invocationLogging);
        privateLink.allowClients(...this.invocationLogging.handler.securityGroups);
      }
    }
  }
}
