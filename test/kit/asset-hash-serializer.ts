// Jest snapshot serializer: replaces content hashes (asset hashes, S3 keys of bundles) with a
// placeholder, so a snapshot changes when the template's meaning changes, not when a byte of a
// bundled handler does.
const HASH = /[0-9a-f]{64}/g;
const MARK = Symbol.for('bsp-normalized');

function normalize(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(HASH, '<asset-hash>');
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(HASH, '<asset-hash>'), normalize(v)]));
  }
  return value;
}

module.exports = {
  test(value: unknown): boolean {
    return !!value && typeof value === 'object' && !(value as Record<symbol, boolean>)[MARK] && JSON.stringify(value).search(HASH) >= 0;
  },
  serialize(value: unknown, config: unknown, indentation: string, depth: number, refs: unknown, printer: (...args: unknown[]) => string): string {
    const normalized = normalize(value) as Record<symbol, boolean>;
    Object.defineProperty(normalized, MARK, { value: true, enumerable: false });
    return printer(normalized, config, indentation, depth, refs);
  },
};
