/**
 * Jest's node environment, plus one CloudFormation schema/rule engine per worker process.
 *
 * Building aws-cdk-lib's template-validation engine takes ~2.5 s of CPU, and jest gives every test
 * file a fresh module registry, so each file paid it again. Here the plugin
 * (scripts/shared-cfn-validate-plugin.js) is created once per worker, outside the sandbox;
 * test/kit/jest-setup.js installs it as aws-cdk-lib's singleton in each file's registry.
 */
const { TestEnvironment } = require('jest-environment-node');
const { PLUGIN_FILE, sharedValidatePlugin } = require('../../scripts/shared-cfn-validate-plugin');

class PlatformTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    if (process.env.BSP_SHARED_CFN_ENGINE !== 'false') {
      this.global.__bspSharedCfnValidatePlugin = sharedValidatePlugin();
      this.global.__bspCfnValidatePluginFile = PLUGIN_FILE;
    }
  }
}

module.exports = PlatformTestEnvironment;
