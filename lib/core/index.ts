export * from './errors';
export * from './validate';
export * from './platform-key';
export * from './bundled-code';
export * from './endpoint-needs';
