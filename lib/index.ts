// Public API of the construct library. Compliance tooling (cdk-nag packs) lives in './compliance'.
export * from './core';
export * from './security';
export * from './network';
export * from './governance';
export * from './platform';
