import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import type { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/** Name of the plugin in the validation report; acknowledgements use it as namespace: `ControlTower::<rule name>`. */
export const CONTROL_TOWER_PLUGIN_NAME = 'ControlTower';

/** Properties of {@link ControlTowerChecks}. */
export interface ControlTowerChecksProps {
  /**
   * Rule files (`ct-s3-pr-1` etc.) to skip for the whole app. Prefer an acknowledgement on the one
   * resource a rule cannot apply to: `Validations.of(resource).acknowledge({ id: 'ControlTower::<rule name>', reason })`.
   * @default none
   */
  readonly disabledRules?: string[];
}

type Violation = PolicyValidationPluginReportBeta1['violations'][number];
/** Stands for the template's path in cached findings (the path differs from run to run). */
const TEMPLATE = '<template>';
const ruleTexts = new Map<string, string>();
function ruleText(file: string): string {
  let text = ruleTexts.get(file);
  if (text === undefined) ruleTexts.set(file, (text = fs.readFileSync(file, 'utf8')));
  return text;
}

const TYPE_NAME = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

function guardRuleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return guardRuleFiles(full);
    return e.name.endsWith('.guard') ? [full] : [];
  });
}

/** What a rule file reads of a template, and so what part of a template it must be shown. */
export interface RuleScope {
  /** Every resource type the file names: those it judges and those it looks up. */
  readonly types: ReadonlySet<string>;
  /** The types its `Resources.*[ Type == ... ]` selectors pick: the resources it judges. */
  readonly judges: ReadonlySet<string>;
  /**
   * - `each`: each judged resource is judged on its own properties alone, so a run per resource
   *   finds what a run over the template finds.
   * - `linked`: one judged type, and the judgement also looks up, by logical id, a resource that the
   *   judged resource's properties name (`%doc.Resources[ keys == ... ]`: a queue's dead-letter
   *   target, a Lambda permission's SourceArn, a bucket's log bucket), reading its Type and nothing
   *   more. A run per group of judged resources that name each other finds the same, when every
   *   other resource they name is shown too (by its Type).
   * - `whole`: any other read of the template (a count, a cross-resource `some`, a selector or
   *   lookup not of those forms): shown every resource.
   */
  readonly shows: 'each' | 'linked' | 'whole';
}

/** The rule text that cfn-guard evaluates: without comments and without `<< ... >>` messages. */
function ruleCode(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/<<[\s\S]*?>>/g, '');
}

/** The text from the bracket or brace at `open` to its match. */
function enclosed(code: string, open: number): string {
  const [o, c] = code[open] === '[' ? ['[', ']'] : ['{', '}'];
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === o) depth++;
    else if (code[i] === c && --depth === 0) return code.slice(open, i + 1);
  }
  return code.slice(open);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Reads what a rule file looks at. It recognises the forms the Control Tower rules are written in
 * (named type constants, `Resources.*[ Type == %T ]` selectors, rules `when %sel not empty` that
 * call `check(%sel.Properties)`, helpers that judge `%param` element by element, the
 * `query_for_resource` lookup); anything else makes the rule `whole`, which is always correct.
 */
export function ruleScope(text: string): RuleScope {
  const types = new Set(text.match(TYPE_NAME) ?? []);
  const code = ruleCode(text);
  const constants = new Map<string, string>();
  for (const m of code.matchAll(/let\s+(\w+)\s*=\s*["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g)) constants.set(m[1], m[2]);
  const judges = new Set<string>();
  let lookups = false;
  const whole = (): RuleScope => ({ types, judges, shows: 'whole' });

  for (const m of code.matchAll(/\bResources\b/g)) {
    const at = m.index + m[0].length;
    const after = code.slice(at, at + 60);
    const before = code.slice(Math.max(0, m.index - 80), m.index);
    if (/^\s*\[\s*keys\s*==\s*%\w+\s*\]/.test(after) && /%\w+\.$/.test(before)) {
      lookups = true;
    } else if (/^(\.\*)?\s*\[/.test(after)) {
      const filter = enclosed(code, code.indexOf('[', at));
      for (const v of filter.matchAll(/%(\w+)/g)) {
        const type = constants.get(v[1]);
        if (!type) return whole();
        judges.add(type);
      }
      for (const t of filter.match(TYPE_NAME) ?? []) judges.add(t);
      if (!/^\[\s*Type\s*(==|in)/.test(filter)) return whole();
    } else if (!(/^\s+exists\b/.test(after) && /AWSTemplateFormatVersion\s+exists\s+or\s*$/.test(before))) {
      return whole();
    }
  }
  if (judges.size === 0 || /\bcount\s*\(/.test(code) || (lookups && judges.size > 1)) return whole();

  // Selections (`let sel = Resources...[...]`) may only be tested `%sel not empty` in a rule's
  // `when` and passed as `check(%sel.Properties)` in its body; helpers only see their parameters.
  const selections = [...code.matchAll(/let\s+(\w+)\s*=\s*Resources\b/g)].map((m) => m[1]);
  const judgedBy = new Set<string>();
  for (const r of code.matchAll(/\brule\s+(\w+)\s*(\(([^)]*)\))?([^{]*)\{/g)) {
    const params = (r[3] ?? '').split(',').map((p) => p.trim());
    const header = r[4];
    const body = enclosed(code, r.index + r[0].length - 1);
    const tested = new Set([...header.matchAll(/%(\w+)\s+not\s+empty/g)].map((t) => t[1]).filter((v) => selections.includes(v)));
    if (tested.size > 1) return whole();
    for (const v of selections) {
      if (params.includes(v)) continue;
      const use = new RegExp(`%${escape(v)}\\b`, 'g');
      const inHeader = header.match(use)?.length ?? 0;
      const inBody = body.match(use)?.length ?? 0;
      if (inHeader + inBody === 0) continue;
      if (r[2] !== undefined) return whole();
      if ((header.match(new RegExp(`%${escape(v)}\\s+not\\s+empty`, 'g'))?.length ?? 0) !== inHeader) return whole();
      const passed = [...body.matchAll(new RegExp(`(\\w+)\\(\\s*%${escape(v)}\\.Properties\\s*\\)`, 'g'))];
      if (passed.length !== inBody || (inBody > 0 && inHeader === 0)) return whole();
      for (const p of passed) judgedBy.add(p[1]);
    }
  }
  // A helper handed every judged resource at once must judge them one by one: `%param { ... }` or
  // `%param [ filter ] { ... }`, never `some %param`, `%param empty` or a count.
  for (const helper of judgedBy) {
    const h = new RegExp(`\\brule\\s+${escape(helper)}\\s*\\(\\s*(\\w+)\\s*\\)\\s*\\{`).exec(code);
    if (!h) return whole();
    const body = enclosed(code, h.index + h[0].length - 1).slice(1, -1);
    const param = new RegExp(`%${escape(h[1])}\\b`);
    let depth = 0;
    let statement = '';
    for (const ch of body) {
      if (ch === '{' || ch === '}' || ch === '\n') {
        if (depth === 0 && param.test(statement) && /\bsome\b|\bempty\b|\bcount\s*\(/.test(statement)) return whole();
        if (ch === '{') depth++;
        if (ch === '}') depth--;
        statement = '';
      } else {
        statement += ch;
      }
    }
  }
  return { types, judges, shows: lookups ? 'linked' : 'each' };
}

const ruleScopes = new Map<string, RuleScope>();
function scopeOf(ruleFile: string): RuleScope {
  let scope = ruleScopes.get(ruleFile);
  if (!scope) ruleScopes.set(ruleFile, (scope = ruleScope(ruleText(ruleFile))));
  return scope;
}

type CfnResource = { Type?: string; Properties?: unknown };
type CfnTemplate = { Resources?: Record<string, CfnResource>; Parameters?: unknown; Conditions?: unknown; Mappings?: unknown };

/** One document handed to cfn-guard: part of one template. */
interface GuardDocument {
  readonly templatePath: string;
  readonly template: object;
}

/** Rules run together, in one cfn-guard process, over every document that needs them. */
interface GuardBatch {
  readonly rules: string[];
  readonly documents: GuardDocument[];
}

/** Every string in a value: among them, the logical ids a resource's properties name (Ref, Fn::GetAtt). */
function stringsIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, into);
  return into;
}

/**
 * How to hand templates to cfn-guard, so that the findings are those of one run over each whole
 * template while cfn-guard sees as little as it can: its time grows with what it is shown (a rule
 * that compares an IAM action to a pattern compiles the pattern for every action), and a resource
 * shown alone is a document the cache serves for every template that holds the same resource.
 * - `each` rules: one document per resource, per judged type, for all the rules that judge it.
 * - `linked` rules: one document per group of judged resources that name each other (a queue and
 *   its dead-letter queue), with each other resource they name shown by its Type alone.
 * - `whole` rules: one document with every resource (those of the rules' types in full).
 * Documents keep the template's parameters, conditions and mappings. A batch of rules runs once for
 * all the documents of an app's templates that need it.
 */
function guardBatches(templates: Array<{ path: string; template: CfnTemplate }>, rules: string[]): GuardBatch[] {
  const batches = new Map<string, GuardBatch>();
  const add = (key: string, batchRules: string[], documents: GuardDocument[]) => {
    const batchKey = `${key}|${batchRules.join('|')}`;
    const batch = batches.get(batchKey) ?? { rules: batchRules, documents: [] };
    batch.documents.push(...documents);
    batches.set(batchKey, batch);
  };
  for (const { path: templatePath, template } of templates) {
    const resources = Object.entries(template.Resources ?? {});
    const byId = new Map(resources);
    const present = new Set(resources.map(([, r]) => r.Type).filter((t): t is string => !!t));
    // The format version is stated because every Control Tower rule first asks
    // `AWSTemplateFormatVersion exists or Resources exists`: the document has Resources either way,
    // but a failing `exists` makes cfn-guard build a failure report, about 40 ms.
    const { Parameters, Conditions, Mappings } = template;
    const document = (selected: Array<[string, unknown]>): GuardDocument => ({
      templatePath,
      template: { AWSTemplateFormatVersion: '2010-09-09', Parameters, Conditions, Mappings, Resources: Object.fromEntries(selected) },
    });
    // Resources a rule only looks up are shown as their Type alone: all that a lookup reads.
    const stub = (id: string): [string, unknown] => [id, { Type: byId.get(id)?.Type }];

    // Rules grouped by what they are shown: `whole` rules by the present types they name, the others
    // by scope and judged type (a rule that judges several types is in one group per type).
    const groups = new Map<string, { shows: RuleScope['shows']; types: Set<string>; rules: string[] }>();
    const join = (shows: RuleScope['shows'], types: string[], rule: string) => {
      const key = `${shows}:${types.join(',')}`;
      const group = groups.get(key) ?? { shows, types: new Set(types), rules: [] };
      group.rules.push(rule);
      groups.set(key, group);
    };
    for (const rule of rules) {
      const scope = scopeOf(rule);
      if (scope.shows === 'whole') {
        const types = [...scope.types].filter((t) => present.has(t)).sort();
        if (types.length) join('whole', types, rule);
      } else {
        for (const type of scope.judges) if (present.has(type)) join(scope.shows, [type], rule);
      }
    }
    for (const [key, { shows, types, rules: group }] of groups) {
      if (shows === 'whole') {
        add(key, group, [document(resources.map(([id, r]) => (r.Type && types.has(r.Type) ? [id, r] : stub(id))))]);
        continue;
      }
      const judged = resources.filter(([, r]) => !!r.Type && types.has(r.Type));
      if (shows === 'each') add(key, group, judged.map((r) => document([r])));
      else add(key, group, linkedGroups(judged, byId).map(({ members, named }) => document([...named.map(stub), ...members])));
    }
  }
  return [...batches.values()];
}

/**
 * Judged resources that name each other, together (a queue and its dead-letter queue: each is
 * judged, and the judgement of one looks the other up), each group with the other resources of the
 * template its members name.
 */
function linkedGroups(judged: Array<[string, CfnResource]>, byId: ReadonlyMap<string, CfnResource>): Array<{ members: Array<[string, CfnResource]>; named: string[] }> {
  const names = new Map(judged.map(([id, r]) => [id, [...stringsIn(r.Properties)].filter((s) => byId.has(s) && s !== id)]));
  const root = new Map(judged.map(([id]) => [id, id]));
  const find = (id: string): string => {
    let r = id;
    while (root.get(r) !== r) r = root.get(r)!;
    root.set(id, r);
    return r;
  };
  for (const [id, named] of names) for (const n of named) if (root.has(n)) root.set(find(id), find(n));
  const groups = new Map<string, Array<[string, CfnResource]>>();
  for (const entry of judged) groups.set(find(entry[0]), [...(groups.get(find(entry[0])) ?? []), entry]);
  return [...groups.values()].map((members) => ({
    members,
    named: [...new Set(members.flatMap(([id]) => names.get(id)!))].filter((n) => !root.has(n)).sort(),
  }));
}

/**
 * Violations of one template as one run over it reports them: one per rule and message, listing
 * every resource (runs per resource report each resource apart).
 */
function mergeByRule(violations: Violation[]): Violation[] {
  const merged = new Map<string, Violation>();
  for (const v of violations) {
    const key = JSON.stringify([v.ruleName, v.description, v.fix, v.severity]);
    const seen = merged.get(key);
    if (seen) merged.set(key, { ...seen, violatingResources: [...seen.violatingResources, ...v.violatingResources] });
    else merged.set(key, v);
  }
  return [...merged.values()];
}

/**
 * AWS Control Tower's proactive controls (the cfn-guard rules that Control Tower runs as
 * CloudFormation hooks, bundled by @cdklabs/cdk-validator-cfnguard) as a CDK validation plugin,
 * next to the cdk-nag packs.
 *
 * Each rule file names the resource types it checks; only the rules for types present in the
 * app's templates are handed to cfn-guard (a rule about a type that is absent cannot fail), which
 * makes a run about four times faster than the plugin's whole rule directory and finds the same.
 */
export class ControlTowerChecks implements IPolicyValidationPluginBeta1 {
  public readonly name = CONTROL_TOWER_PLUGIN_NAME;
  public readonly version: string;
  private readonly rulesDir: string;
  private readonly disabled: ReadonlySet<string>;

  constructor(props: ControlTowerChecksProps = {}) {
    const pkg = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
    this.rulesDir = path.join(pkg, 'rules', 'control-tower', 'cfn-guard');
    this.version = (JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
    this.disabled = new Set(props.disabledRules ?? []);
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const rules = guardRuleFiles(this.rulesDir).filter((f) => !this.disabled.has(path.parse(f).name));
    // Loaded only when the rules run: the package is an optional peer dependency, and an app that
    // passes `controlTower: false` to addCompliancePacks need not install it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CfnGuardValidator: Validator } = require('@cdklabs/cdk-validator-cfnguard') as { CfnGuardValidator: typeof CfnGuardValidator };
    const templates = context.templatePaths.map((p) => ({ path: p, template: JSON.parse(fs.readFileSync(p, 'utf8')) as CfnTemplate }));
    const found = new Map<GuardDocument, Violation[]>();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-guard-'));
    try {
      for (const [n, batch] of guardBatches(templates, rules).entries()) {
        const missing: Array<{ document: GuardDocument; key?: string; file: string }> = [];
        for (const document of batch.documents) {
          const key = this.cacheKey(batch.rules, document.template);
          const cached = this.fromCache(key);
          if (cached) found.set(document, cached);
          else missing.push({ document, key, file: path.join(scratch, `${n}-${missing.length}.json`) });
        }
        if (missing.length === 0) continue;
        // One process for every document the batch's rules have not seen; findings sorted back to
        // their document by the data file cfn-guard names.
        for (const m of missing) fs.writeFileSync(m.file, JSON.stringify(m.document.template));
        const report = new Validator({ controlTowerRulesEnabled: false, rules: batch.rules }).validate({ ...context, templatePaths: missing.map((m) => m.file) });
        for (const m of missing) {
          const own = report.violations.flatMap((v) => {
            const resources = v.violatingResources.filter((r) => r.templatePath === m.file).map((r) => ({ ...r, templatePath: TEMPLATE }));
            return resources.length ? [{ ...v, violatingResources: resources }] : [];
          });
          found.set(m.document, own);
          this.toCache(m.key, own);
        }
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    const violations = templates.flatMap(({ path: templatePath }) =>
      mergeByRule(
        [...found].filter(([d]) => d.templatePath === templatePath).flatMap(([, vs]) =>
          vs.map((v) => ({ ...v, violatingResources: v.violatingResources.map((r) => ({ ...r, templatePath })) })),
        ),
      ),
    );
    return { success: violations.length === 0, violations };
  }

  /**
   * Findings are cached in the directory named by BSP_CONTROL_TOWER_CACHE when it is set (the test
   * suite sets it: its many templates repeat the same resources, e.g. a stack's default key). The
   * key covers the rules' contents and the document, so a changed rule or resource is never served
   * a stale answer.
   */
  private cacheKey(rules: string[], document: object): string | undefined {
    if (!process.env.BSP_CONTROL_TOWER_CACHE) return undefined;
    const hash = crypto.createHash('sha256').update(this.version);
    for (const rule of rules) hash.update(path.basename(rule)).update(ruleText(rule));
    return path.join(process.env.BSP_CONTROL_TOWER_CACHE, `${hash.update(JSON.stringify(document)).digest('hex')}.json`);
  }

  private fromCache(file: string | undefined): Violation[] | undefined {
    return file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Violation[]) : undefined;
  }

  private toCache(file: string | undefined, found: Violation[]): void {
    if (!file) return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename: another jest worker may read the same entry at the same time.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(found));
    fs.renameSync(temp, file);
  }
}
