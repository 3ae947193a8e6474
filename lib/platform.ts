import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { PlatformKey, PlatformKeyProps } from './core/platform-key';

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
}

/**
 * The whole platform in one construct: composes the constructs of each concern with secure
 * defaults. Each part is also usable on its own.
 */
export class BedrockPlatform extends Construct {
  /** Key that encrypts every log group, bucket and topic of the platform. */
  public readonly encryptionKey: kms.IKey;
  /** The platform key, when this construct created it. */
  public readonly platformKey?: PlatformKey;

  constructor(scope: Construct, id: string, props: BedrockPlatformProps = {}) {
    super(scope, id);
    if (props.encryptionKey) {
      this.encryptionKey = props.encryptionKey;
    } else {
      this.platformKey = new PlatformKey(this, 'Key', props.key);
      this.encryptionKey = this.platformKey.key;
    }
  }
}
