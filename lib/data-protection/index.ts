// Data-protection building blocks used by every layer above: encrypted, TLS-only, retained stores.
export * from './secure-bucket';
export * from './secure-log-group';
export * from './secure-topic';
