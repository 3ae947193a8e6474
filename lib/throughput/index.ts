// Provisioned throughput: dedicated Bedrock capacity bought by a custom resource, and a scaler of no-commitment pools.
export { COMMITTED_THROUGHPUT_WARNING, MAX_MODEL_UNITS, ProvisionedThroughput, ThroughputCommitment } from './provisioned-throughput';
export type { IProvisionedThroughput, ProvisionedThroughputAttributes, ProvisionedThroughputProps } from './provisioned-throughput';
export { PROVISIONED_THROUGHPUT_TOTAL_TIMEOUT, ProvisionedThroughputProvider } from './provisioned-throughput-provider';
export type { ProvisionedThroughputNetwork } from './provisioned-throughput-provider';
export { IdleProvisionedThroughputAlarm } from './idle-provisioned-throughput-alarm';
export type { IdleProvisionedThroughputAlarmProps } from './idle-provisioned-throughput-alarm';
export { MAX_POOL_THROUGHPUTS, THROUGHPUT_POOL_CHANGED, THROUGHPUT_POOL_EVENT_SOURCE, THROUGHPUT_POOL_TAG, THROUGHPUT_SCALER_NAMESPACE, ThroughputScaler } from './throughput-scaler';
export type { ScheduledFloor, ThroughputScalerProps } from './throughput-scaler';
