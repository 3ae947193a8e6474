// Provisioned throughput: dedicated Bedrock capacity bought by a custom resource (the scaler comes later).
export { COMMITTED_THROUGHPUT_WARNING, MAX_MODEL_UNITS, ProvisionedThroughput, ThroughputCommitment } from './provisioned-throughput';
export type { IProvisionedThroughput, ProvisionedThroughputAttributes, ProvisionedThroughputProps } from './provisioned-throughput';
export { PROVISIONED_THROUGHPUT_TOTAL_TIMEOUT, ProvisionedThroughputProvider } from './provisioned-throughput-provider';
export type { ProvisionedThroughputNetwork } from './provisioned-throughput-provider';
