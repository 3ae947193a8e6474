// Runs in each test file's registry: make aws-cdk-lib use the worker's shared template-validation
// engine (see test/kit/jest-environment.js) instead of building its own.
if (globalThis.__bspSharedCfnValidatePlugin) {
  require(globalThis.__bspCfnValidatePluginFile).CloudFormationValidatePlugin._instance = globalThis.__bspSharedCfnValidatePlugin;
}

// No creation stack traces in the tests' apps: capturing one per resource (source-mapped, since
// jest installs source-map-support) was about 5% of the suite's CPU, and only the cloud assembly's
// metadata carries them, never a template. The CLI's syntheses (scripts/synth.ts) keep them.
process.env.CDK_CONTEXT_JSON = JSON.stringify({
  ...(process.env.CDK_CONTEXT_JSON ? JSON.parse(process.env.CDK_CONTEXT_JSON) : {}),
  'aws:cdk:disable-creation-stack-traces': true,
  'aws:cdk:disable-stack-trace': true,
});
