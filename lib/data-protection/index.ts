// Data-protection building blocks used by every layer above: encrypted, TLS-only, retained stores.
export { AccessLogsBucket, SecureBucket } from './secure-bucket';
export type { SecureBucketProps } from './secure-bucket';
export { SecureLogGroup } from './secure-log-group';
export type { SecureLogGroupProps } from './secure-log-group';
export { SecureTopic } from './secure-topic';
export type { SecureTopicProps } from './secure-topic';
