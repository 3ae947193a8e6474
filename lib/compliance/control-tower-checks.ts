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

/** `AWS::Service::Type` names a rule file mentions, per file (the rule files never change at run time). */
const ruleTypes = new Map<string, ReadonlySet<string>>();
const TYPE_NAME = /AWS::[A-Za-z0-9]+::[A-Za-z0-9]+/g;

function guardRuleFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return guardRuleFiles(full);
    return e.name.endsWith('.guard') ? [full] : [];
  });
}

function typesOf(ruleFile: string): ReadonlySet<string> {
  let types = ruleTypes.get(ruleFile);
  if (!types) {
    types = new Set(fs.readFileSync(ruleFile, 'utf8').match(TYPE_NAME) ?? []);
    ruleTypes.set(ruleFile, types);
  }
  return types;
}

/**
 * How to hand one template to cfn-guard: one run per set of resource types the rules look at, each
 * with only the rules for those types and a copy of the template holding only resources of those
 * types (plus its parameters, conditions and mappings). Rules never see a resource of a type they do
 * not name, so the findings are the same as one run over the whole template; but cfn-guard re-reads
 * its data for every rule file, so a run over a large template with every rule took seconds, and
 * rules for absent types are not run at all.
 */
function guardRuns(template: { Resources?: Record<string, { Type?: string }> }, rules: string[]): Array<{ rules: string[]; template: object }> {
  const resources = Object.entries(template.Resources ?? {});
  const present = new Set(resources.map(([, r]) => r.Type).filter((t): t is string => !!t));
  const byTypes = new Map<string, string[]>();
  for (const rule of rules) {
    const types = [...typesOf(rule)].filter((t) => present.has(t)).sort();
    if (types.length === 0) continue;
    const key = types.join(',');
    byTypes.set(key, [...(byTypes.get(key) ?? []), rule]);
  }
  return [...byTypes].map(([key, groupRules]) => {
    const types = new Set(key.split(','));
    // Only what resource rules can read (no Outputs, Metadata or Description), so equal slices of
    // different templates are equal. The format version is stated because every Control Tower rule
    // first asks `AWSTemplateFormatVersion exists or Resources exists`: the slice has Resources
    // either way, but a failing first branch makes cfn-guard build a failure report, about 40 ms of
    // a typical run's 60.
    const { Parameters, Conditions, Mappings } = template as Record<string, unknown>;
    const Resources = Object.fromEntries(resources.filter(([, r]) => r.Type && types.has(r.Type)));
    return { rules: groupRules, template: { AWSTemplateFormatVersion: '2010-09-09', Parameters, Conditions, Mappings, Resources } };
  });
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
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bsp-guard-'));
    const violations: Violation[] = [];
    try {
      for (const templatePath of context.templatePaths) {
        const template = JSON.parse(fs.readFileSync(templatePath, 'utf8')) as { Resources?: Record<string, { Type?: string }> };
        for (const [n, group] of guardRuns(template, rules).entries()) {
          const found = this.cached(group, () => {
            const partPath = path.join(scratch, `${n}-${path.basename(templatePath)}`);
            fs.writeFileSync(partPath, JSON.stringify(group.template));
            const report = new Validator({ controlTowerRulesEnabled: false, rules: group.rules }).validate({ ...context, templatePaths: [partPath] });
            return report.violations.map((v) => ({ ...v, violatingResources: v.violatingResources.map((r) => ({ ...r, templatePath: r.templatePath === partPath ? TEMPLATE : r.templatePath })) }));
          });
          for (const v of found) {
            violations.push({ ...v, violatingResources: v.violatingResources.map((r) => ({ ...r, templatePath: r.templatePath === TEMPLATE ? templatePath : r.templatePath })) });
          }
        }
      }
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
    return { success: violations.length === 0, violations };
  }

  /**
   * The findings of one guard run, from the cache directory named by BSP_CONTROL_TOWER_CACHE when
   * set (the test suite sets it: its many small templates repeat the same slices, e.g. a stack's
   * default key), else computed. The key covers the rules' contents and the slice, so a changed rule
   * or resource is never served a stale answer.
   */
  private cached(group: { rules: string[]; template: object }, run: () => Violation[]): Violation[] {
    const dir = process.env.BSP_CONTROL_TOWER_CACHE;
    if (!dir) return run();
    const hash = crypto.createHash('sha256').update(this.version);
    for (const rule of group.rules) hash.update(path.basename(rule)).update(ruleText(rule));
    const file = path.join(dir, `${hash.update(JSON.stringify(group.template)).digest('hex')}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8')) as Violation[];
    const found = run();
    fs.mkdirSync(dir, { recursive: true });
    // Write then rename: another jest worker may read the same entry at the same time.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(found));
    fs.renameSync(temp, file);
    return found;
  }

}
