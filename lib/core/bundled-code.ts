import * as fs from 'fs';
import * as path from 'path';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** Runtime of every Lambda function this library deploys. */
export const PLATFORM_LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;

const PACKAGE_NAME = 'bedrock-secure-platform';

/** The root of this package, from source (repo checkout) or from dist/ (installed package) alike. */
function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package root above ${__dirname}`);
    dir = parent;
  }
}

/** Directory of the prebuilt bundle of handler `name` (lambda/<name>), built by `npm run build:lambdas`. */
export function bundleDirectory(name: string): string {
  const dir = path.join(packageRoot(), 'lambda-bundles', name);
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(`Lambda bundle '${name}' is missing at ${dir}: run 'npm run build:lambdas' (the published package ships it prebuilt).`);
  }
  return dir;
}

/** Code of handler `name` from its prebuilt bundle: no esbuild or Docker at synth time. */
export function bundledHandlerCode(name: string): lambda.Code {
  return lambda.Code.fromAsset(bundleDirectory(name));
}
