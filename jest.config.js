/** Tests run through esbuild (no type-check here: `npm run typecheck` does that once, for the whole tree). */
module.exports = {
  // Node environment with one template-validation engine per worker (see the file).
  testEnvironment: '<rootDir>/test/kit/jest-environment.js',
  setupFiles: ['<rootDir>/test/kit/jest-setup.js'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': '<rootDir>/test/kit/esbuild-transform.js' },
  snapshotSerializers: ['<rootDir>/test/kit/asset-hash-serializer.ts'],
  // Each test file synthesizes its stacks once; the runnable apps (bin/app.ts, examples/*/app.ts) are
  // not synthesized here but read from the synth stage's assemblies (test/kit/synth.ts loadAssembly,
  // which re-synthesizes one only when it is stale). Two workers match the CI machine's two cores.
  maxWorkers: 2,
  testTimeout: 60000,
};
