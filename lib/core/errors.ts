import { IConstruct } from 'constructs';

/**
 * A prop value that cannot work, caught at synth time instead of 20 minutes into a deploy.
 *
 * The message names the construct path, the prop, the value and what is allowed, so the user can
 * fix the call site without reading our code.
 */
export class PlatformValidationError extends Error {
  /** Construct path of the construct whose prop is wrong. */
  public readonly constructPath: string;
  /** Name of the prop, e.g. `natGateways` or `virtualInterface.vlan`. */
  public readonly prop: string;

  constructor(scope: IConstruct, prop: string, value: unknown, allowed: string) {
    super(`${scope.node.path}: invalid ${prop} ${describe(value)}. ${allowed}`);
    this.name = 'PlatformValidationError';
    this.constructPath = scope.node.path;
    this.prop = prop;
  }
}

function describe(value: unknown): string {
  if (value === undefined) return '(not set)';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
