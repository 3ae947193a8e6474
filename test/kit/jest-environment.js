/**
 * Jest's node environment, plus one CloudFormation schema/rule engine per worker process.
 *
 * aws-cdk-lib validates every synthesized template against the CloudFormation registry schemas and
 * its built-in rules (CloudFormationValidatePlugin, a WebAssembly engine). Building that engine takes
 * ~2.5 s of CPU, and jest gives every test file a fresh module registry, so each file paid it again.
 * Here the plugin is created once per worker, outside the sandbox; test/kit/jest-setup.js installs it
 * as aws-cdk-lib's singleton in each file's registry. The checks are the same: schemas cover every
 * type, and the engine holds the built-in rules of every rule-bearing type seen so far (a rule only
 * applies to resources of its own types).
 */
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

const PLUGIN_FILE = path.join(path.dirname(require.resolve('aws-cdk-lib/package.json')), 'core', 'lib', 'validation', 'cloudformation-validate-plugin.js');

/**
 * The resource types aws-cdk-lib's built-in rules are about: the only types that change what the
 * engine checks (the schemas are loaded whatever the types). The engine is rebuilt only when one
 * of these first appears, not for every new resource type, as the plugin itself would.
 */
const RULE_TYPES = new Set(
  require(path.join(path.dirname(PLUGIN_FILE), 'rules', 'index.generated.json')).rules.flatMap((r) => r.types ?? []),
);

let shared;

function sharedValidatePlugin() {
  if (shared) return shared;
  const { CloudFormationValidatePlugin } = require(PLUGIN_FILE);
  const plugin = new CloudFormationValidatePlugin();
  const build = plugin.initializeEngine.bind(plugin);
  const seen = new Set();
  // Same engine while no new rule-bearing type appears; otherwise rebuild it for all such types seen.
  plugin.initializeEngine = (types) => {
    for (const t of types) if (RULE_TYPES.has(t)) seen.add(t);
    return build(new Set(seen));
  };
  shared = plugin;
  return shared;
}

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
