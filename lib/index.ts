// Public API of the construct library. Compliance tooling (cdk-nag packs) lives in './compliance'.
export * from './core';
export * from './data-protection';
export * from './identity';
export * from './network';
export * from './governance';
export * from './platform';
