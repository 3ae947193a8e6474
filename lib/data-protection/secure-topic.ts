import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PlatformKey } from '../core/platform-key';
import { optionalKey, optionalString, pendingScope, requireProps } from '../core/validate';

/** Properties of a {@link SecureTopic}. */
export interface SecureTopicProps {
  /**
   * Key that encrypts messages at rest, a key of the stack's Region; its policy must admit the
   * publishing services (see `KeyConsumer`). Never unencrypted: without a key, the stack's default key.
   * @default the stack's default key ({@link PlatformKey.of})
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Display name, up to 100 characters (SNS's limit, which aws-cdk-lib enforces too).
   * @default none
   */
  readonly displayName?: string;
}

/** An SNS topic encrypted with the platform key that refuses publishes and subscriptions over plain HTTP. */
export class SecureTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: SecureTopicProps = {}) {
    const self = pendingScope(scope, id);
    props = requireProps(self, props);
    const masterKey = optionalKey(self, 'encryptionKey', props.encryptionKey, scope) ?? PlatformKey.of(scope).key;
    const displayName = optionalString(self, 'displayName', props.displayName, 100);
    super(scope, id, { masterKey, displayName, enforceSSL: true });
  }
}
