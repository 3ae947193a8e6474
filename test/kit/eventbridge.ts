/*
 * EventBridge, simulated for the assertions of tests that read synthesized rules: pattern matching
 * and input transformers, as far as the library's rules use them.
 */

/**
 * EventBridge's matching for the patterns used here: literal lists, nested objects; an array in the
 * event matches if one element does.
 */
export function matchesEventPattern(pattern: any, event: any): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event?.[key];
    if (Array.isArray(expected)) return (Array.isArray(actual) ? actual : [actual]).some((a) => expected.some((e) => JSON.stringify(e) === JSON.stringify(a)));
    return matchesEventPattern(expected, actual);
  });
}

/** What EventBridge sends the target: the input template with each `<var>` replaced (JSON outside quotes, raw text inside). */
export function transformInput(transformer: { InputPathsMap: Record<string, string>; InputTemplate: string }, event: any): any {
  const read = (path: string) => path.replace(/^\$\.?/, '').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '').reduce((v: any, k) => v?.[k], event);
  const values = Object.fromEntries(Object.entries(transformer.InputPathsMap).map(([k, p]) => [k, read(p)]));
  let out = '';
  let inString = false;
  const t = transformer.InputTemplate;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '"' && t[i - 1] !== '\\') inString = !inString;
    const end = t.indexOf('>', i);
    const name = t[i] === '<' && end > i ? t.slice(i + 1, end) : undefined;
    if (name !== undefined && name in values) {
      out += inString ? JSON.stringify(String(values[name])).slice(1, -1) : JSON.stringify(values[name] ?? null);
      i = end;
    } else {
      out += t[i];
    }
  }
  return JSON.parse(out);
}
