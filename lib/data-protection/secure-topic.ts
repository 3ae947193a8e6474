import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Properties of a {@link SecureTopic}. */
export interface SecureTopicProps {
  /** Key that encrypts messages at rest; its policy must admit the publishing services (see `KeyConsumer`). */
  readonly encryptionKey: kms.IKey;
  /**
   * Display name.
   * @default none
   */
  readonly displayName?: string;
}

/** An SNS topic encrypted with the platform key that refuses publishes and subscriptions over plain HTTP. */
export class SecureTopic extends sns.Topic {
  constructor(scope: Construct, id: string, props: SecureTopicProps) {
    super(scope, id, { masterKey: props.encryptionKey, displayName: props.displayName, enforceSSL: true });
  }
}
