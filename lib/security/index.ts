export * from './secure-bucket';
export * from './secure-log-group';
export * from './secure-topic';
export * from './least-privilege';
