// Lint: typescript-eslint's recommended rules plus a few that keep the library's code honest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const LAYERS = ['core', 'data-protection', 'identity', 'network', 'governance', 'observability', 'guardrails', 'knowledge', 'throughput', 'compliance', 'rollout'];

/** One no-restricted-imports rule per lib/ folder: every other folder (and the facade) it may not import. */
function layerRules(allowed) {
  return Object.entries(allowed).map(([layer, below]) => {
    const forbidden = [...LAYERS.filter((l) => l !== layer && !below.includes(l)), ...(below.includes('platform') ? [] : ['platform'])];
    return {
      files: [`lib/${layer}/**/*.ts`],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: forbidden.map((f) => ({
              group: [`../${f}`, `../${f}/*`, `../../lib/${f}`, `../../lib/${f}/*`],
              message: `lib/${layer} may import only from ${below.length ? below.map((b) => `lib/${b}`).join(', ') : 'nothing else in lib'}: see the layers in eslint.config.mjs and the README's architecture section.`,
            })),
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'docs/api/', 'lambda-bundles/', 'cdk.out/', '**/cdk.out/', 'cdk.out.examples/', 'coverage/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      'no-throw-literal': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  // Layers: core <- data-protection <- identity, network <- governance <- observability, guardrails,
  // knowledge, throughput <- platform. A folder imports
  // only from the layers below it (compliance tooling only from core), so a wrong import fails lint.
  ...layerRules({
    core: [],
    'data-protection': ['core'],
    identity: ['core', 'data-protection'],
    network: ['core', 'data-protection'],
    governance: ['core', 'data-protection', 'identity', 'network'],
    // Monitoring reads the alert topic, invocation logging (governance) and the alarm-name prefix (identity).
    observability: ['core', 'data-protection', 'identity', 'governance'],
    // A guardrail is referenced by the identity layer's enforcement through GuardrailReference.
    guardrails: ['core', 'data-protection', 'identity'],
    // A knowledge base may name a guardrail for retrieve-and-generate and reports to the alert topic.
    knowledge: ['core', 'data-protection', 'identity', 'network', 'governance', 'observability', 'guardrails'],
    // The scaler reads throttling metrics and must be exempted from the high-risk purchase alerts.
    throughput: ['core', 'data-protection', 'identity', 'network', 'governance', 'observability'],
    compliance: ['core'],
    // The rollout composes everything (the baseline stack, the platform in workload accounts); nothing imports it.
    rollout: ['core', 'data-protection', 'identity', 'network', 'governance', 'observability', 'guardrails', 'knowledge', 'throughput', 'compliance', 'platform'],
  }),
  {
    // Tests and the test kit read synthesized JSON, which is untyped by nature.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
