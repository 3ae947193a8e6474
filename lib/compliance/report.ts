import * as fs from 'fs';
import * as path from 'path';

/** A rule violation nobody acknowledged: it fails synth. */
export interface ComplianceFinding {
  /** Pack that raised it, e.g. `AwsSolutions`. */
  readonly pack: string;
  /** Rule id, with the finding suffix where the rule reports several, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly rule: string;
  /** Construct path of the offending resource. */
  readonly path: string;
  /** What the rule says is wrong. */
  readonly description: string;
}

/** A rule violation somebody acknowledged, with the reason they gave. */
export interface ComplianceAcknowledgement {
  /** Pack that raised it. */
  readonly pack: string;
  /** The id that was acknowledged, e.g. `AwsSolutions::AwsSolutions-IAM5[Resource::*]`. */
  readonly id: string;
  /** Construct path of the offending resource. */
  readonly path: string;
  /** Construct path where the acknowledgement was made. */
  readonly acknowledgedAt: string;
  /** Why it is acceptable. */
  readonly reason: string;
}

/** What the validation plugins reported for one synthesis. */
export interface ComplianceSummary {
  /** Packs that reported a finding or an acknowledgement (a clean pack is left out of the report). */
  readonly packs: string[];
  /** Unacknowledged violations. */
  readonly findings: ComplianceFinding[];
  /** Acknowledged violations. */
  readonly acknowledgements: ComplianceAcknowledgement[];
}

interface RawViolation {
  ruleName: string;
  description: string;
  violatingConstructs?: Array<{ constructPath: string }>;
  acknowledgedId?: string;
  acknowledgedAt?: string;
  reason?: string;
}
interface RawReport {
  pluginReports?: Array<{ pluginName: string; violations?: RawViolation[]; suppressedViolations?: RawViolation[]; metadata?: { error?: string } }>;
}

/** Rule name of the finding that stands for a validation plugin that threw instead of reporting. */
export const PLUGIN_FAILED_RULE = 'PluginFailed';

/**
 * Reads the summary from a parsed `validation-report.json`. A plugin that threw (CDK records its
 * error and goes on, with no violations) is a finding: its rules did not run, so nothing says the
 * templates pass them.
 */
export function summarizeValidationReport(report: RawReport): ComplianceSummary {
  const plugins = report.pluginReports ?? [];
  const each = <T>(pick: (p: (typeof plugins)[number]) => RawViolation[] | undefined, make: (pack: string, v: RawViolation, at: string) => T) =>
    plugins.flatMap((p) => (pick(p) ?? []).flatMap((v) => (v.violatingConstructs ?? []).map((c) => make(p.pluginName, v, c.constructPath))));
  const failed = plugins.filter((p) => p.metadata?.error).map((p) => ({ pack: p.pluginName, rule: PLUGIN_FAILED_RULE, path: '/', description: String(p.metadata?.error) }));
  return {
    packs: plugins.map((p) => p.pluginName),
    findings: [
      ...failed,
      ...each(
        (p) => p.violations,
        (pack, v, at) => ({ pack, rule: v.ruleName, path: at, description: v.description }),
      ),
    ],
    acknowledgements: each(
      (p) => p.suppressedViolations,
      (pack, v, at) => ({ pack, id: v.acknowledgedId ?? v.ruleName, path: at, acknowledgedAt: v.acknowledgedAt ?? at, reason: v.reason ?? '' }),
    ),
  };
}

/**
 * Reads the validation report of a cloud assembly directory. CDK writes it only when a validation
 * plugin ran; an assembly without one has, by definition, no findings from plugins.
 */
export function readComplianceSummary(assemblyDir: string): ComplianceSummary | undefined {
  const file = path.join(assemblyDir, 'validation-report.json');
  if (!fs.existsSync(file)) return undefined;
  return summarizeValidationReport(JSON.parse(fs.readFileSync(file, 'utf8')) as RawReport);
}
