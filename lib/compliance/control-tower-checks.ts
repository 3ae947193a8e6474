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

/** What a rule file looks at, and so what part of a template it must be shown. */
interface RuleScope {
  /** The resource types it names: it runs only on templates holding one of them. */
  readonly types: ReadonlySet<string>;
  /**
   * - `resource`: one type, resources read only through the `Resources.*[ Type == ... ]` selector
   *   (and the `Resources exists` template check): each resource is judged on its own properties,
   *   so a run per resource finds what a run over all of them finds.
   * - `types`: several types, read through the selector only: the resources of those types.
   * - `template`: the rule looks a resource up by its logical id (`%doc.Resources[ keys == ... ]`:
   *   the target of a queue's dead-letter ARN, of a Lambda permission's SourceArn, of a bucket's
   *   access logs) or counts resources: every resource of the template, since the one looked up may
   *   be of any type (a permission's SourceArn is usually an EventBridge rule's).
   */
  readonly shows: 'resource' | 'types' | 'template';
}
const ruleScopes = new Map<string, RuleScope>();

function scopeOf(ruleFile: string): RuleScope {
  let scope = ruleScopes.get(ruleFile);
  if (!scope) {
    const text = ruleText(ruleFile);
    const types = new Set(text.match(TYPE_NAME) ?? []);
    const code = text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n');
    const resourceReads = code.match(/[^\n]{0,20}\bResources\b[^\n]{0,20}/g) ?? [];
    const onlySelector = resourceReads.every((r) => /Resources\.\*\[\s*Type\s*==/.test(r) || /Resources\s+exists/.test(r)) && !/\bcount\s*\(/.test(code);
    scope = { types, shows: !onlySelector ? 'template' : types.size === 1 ? 'resource' : 'types' };
    ruleScopes.set(ruleFile, scope);
  }
  return scope;
}

type CfnTemplate = { Resources?: Record<string, { Type?: string }>; Parameters?: unknown; Conditions?: unknown; Mappings?: unknown };

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

/**
 * How to hand templates to cfn-guard. Rules are grouped by the resource types they look at; each
 * group runs over documents holding only resources of those types (plus the template's parameters,
 * conditions and mappings): one document per resource for rules that judge each resource alone
 * (the cache then serves a resource seen in any other template), one per template otherwise, with
 * every resource for rules that look resources up by id. Rules never see a resource they could not
 * read, so the findings are those of one run over the whole template; but cfn-guard re-reads its
 * data for every rule file, so such a run over a large template took seconds, and rules for absent
 * types are not run at all. A group runs once for all the documents that need it: a cfn-guard
 * process costs some 50 ms before its first rule.
 */
function guardBatches(templates: Array<{ path: string; template: CfnTemplate }>, rules: string[]): GuardBatch[] {
  const batches = new Map<string, GuardBatch>();
  for (const { path: templatePath, template } of templates) {
    const resources = Object.entries(template.Resources ?? {});
    const present = new Set(resources.map(([, r]) => r.Type).filter((t): t is string => !!t));
    const groups = new Map<string, { shows: RuleScope['shows']; types: Set<string>; rules: string[] }>();
    for (const rule of rules) {
      const scope = scopeOf(rule);
      const types = [...scope.types].filter((t) => present.has(t)).sort();
      if (types.length === 0) continue;
      const key = `${scope.shows}:${types.join(',')}`;
      const group = groups.get(key) ?? { shows: scope.shows, types: new Set(types), rules: [] };
      group.rules.push(rule);
      groups.set(key, group);
    }
    // Only what resource rules can read (no Outputs, Metadata or Description), so equal documents of
    // different templates are equal. The format version is stated because every Control Tower rule
    // first asks `AWSTemplateFormatVersion exists or Resources exists`: the document has Resources
    // either way, but a failing `exists` makes cfn-guard build a failure report, about 40 ms.
    const { Parameters, Conditions, Mappings } = template;
    const document = (selected: Array<[string, unknown]>): GuardDocument => ({
      templatePath,
      template: { AWSTemplateFormatVersion: '2010-09-09', Parameters, Conditions, Mappings, Resources: Object.fromEntries(selected) },
    });
    for (const [key, group] of groups) {
      const ofTypes = (r: { Type?: string }) => !!r.Type && group.types.has(r.Type);
      // A rule that looks resources up by id reads the looked-up resource's Type, nothing more
      // (`query_for_resource`): resources of other types are shown as their Type alone, so the
      // document stays small (cfn-guard's time grows with it) and unchanged by their properties.
      const selected: Array<[string, unknown]> =
        group.shows === 'template' ? resources.map(([id, r]) => [id, ofTypes(r) ? r : { Type: r.Type }]) : resources.filter(([, r]) => ofTypes(r));
      const documents = group.shows === 'resource' ? selected.map((r) => document([r])) : [document(selected)];
      const batchKey = `${key}|${group.rules.join('|')}`;
      const batch = batches.get(batchKey) ?? { rules: group.rules, documents: [] };
      batch.documents.push(...documents);
      batches.set(batchKey, batch);
    }
  }
  return [...batches.values()];
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
