/**
 * One CloudFormation schema/rule engine for many syntheses in one process.
 *
 * aws-cdk-lib validates every synthesized template against the CloudFormation registry schemas and
 * its built-in rules (CloudFormationValidatePlugin, a WebAssembly engine). Building that engine takes
 * ~2.5 s of CPU, and the plugin rebuilds it whenever a template has a resource type it has not seen.
 * The plugin made here rebuilds it only when a type that one of the built-in rules is about first
 * appears: the checks are the same (schemas cover every type; a rule only applies to resources of its
 * own types). Used by the jest environment (one per worker) and by scripts/synth.ts's launcher (one
 * per app process that synthesizes several apps).
 */
const path = require('path');

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

module.exports = { PLUGIN_FILE, sharedValidatePlugin };
