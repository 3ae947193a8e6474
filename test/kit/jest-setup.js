// Runs in each test file's registry: make aws-cdk-lib use the worker's shared template-validation
// engine (see test/kit/jest-environment.js) instead of building its own.
if (globalThis.__bspSharedCfnValidatePlugin) {
  require(globalThis.__bspCfnValidatePluginFile).CloudFormationValidatePlugin._instance = globalThis.__bspSharedCfnValidatePlugin;
}
