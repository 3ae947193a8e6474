/**
 * Resolves the CloudFormation intrinsics CDK emits in policies (Ref, Fn::Join, Fn::GetAtt,
 * Fn::Select, Fn::Split) to concrete strings, so a real policy evaluator can read synthesized
 * policies. Refs to resources become the physical name/ARN the test supplies, or a stable stand-in.
 */
export interface IntrinsicEnv {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  /** Value of `Ref` for logical IDs (e.g. a VPC endpoint ID). */
  readonly refs?: Record<string, string>;
  /** Value of `Fn::GetAtt` as `LogicalId.Attribute` (e.g. a role's Arn). */
  readonly attributes?: Record<string, string>;
}

export function resolveIntrinsics(value: unknown, env: IntrinsicEnv): any {
  const partition = env.partition ?? 'aws';
  const go = (v: unknown): any => {
    if (Array.isArray(v)) return v.map(go);
    if (!v || typeof v !== 'object') return v;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const [k] = keys;
      const arg = obj[k];
      switch (k) {
        case 'Ref': {
          const pseudo: Record<string, string> = {
            'AWS::Partition': partition,
            'AWS::Region': env.region,
            'AWS::AccountId': env.account,
            'AWS::URLSuffix': 'amazonaws.com',
            'AWS::StackName': 'TestStack',
          };
          const name = arg as string;
          return pseudo[name] ?? env.refs?.[name] ?? `ref-${name.toLowerCase()}`;
        }
        case 'Fn::GetAtt': {
          const [id, att] = (Array.isArray(arg) ? arg : String(arg).split('.')) as string[];
          return env.attributes?.[`${id}.${att}`] ?? `arn:${partition}:test:${env.region}:${env.account}:${id}/${att}`;
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (go(parts) as unknown[]).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [number, unknown];
          return (go(list) as unknown[])[index];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, unknown];
          return String(go(source)).split(sep);
        }
        default:
          break;
      }
    }
    return Object.fromEntries(keys.map((key) => [key, go(obj[key])]));
  };
  return go(value);
}
