// Jest transform: TypeScript to CommonJS with esbuild (already a dependency for the Lambda
// bundles). Type-checking is the compile stage's job (`npm run typecheck` alone); this only strips types, fast.
// (@swc/jest was dropped: the npm registry reachable from CI has no @swc/core binaries for other
// platforms, so its lock file could not pass `npm ci`.)
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith('.js') ? 'js' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      sourcefile: filename,
    });
    return { code, map };
  },
};
