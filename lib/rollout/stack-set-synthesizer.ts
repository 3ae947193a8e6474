import * as path from 'path';
import {
  AssetManifestBuilder,
  Aws,
  DockerImageAssetLocation,
  DockerImageAssetSource,
  FileAssetLocation,
  FileAssetPackaging,
  FileAssetSource,
  Fn,
  ISynthesisSession,
  StackSynthesizer,
  Token,
} from 'aws-cdk-lib';

/** Properties of a {@link StackSetSynthesizer}. */
export interface StackSetSynthesizerProps {
  /**
   * Where the template's file assets (the code of Lambda-backed parts, such as the invocation-logging
   * custom resource) live in the target accounts' Regions: one bucket per Region named
   * `<prefix>-<region>`, owned by the account that administers the stack set, in the same Region as
   * the functions (Lambda reads code only from a bucket of its own Region), readable by every account
   * of the organization. A bucket policy such as
   * `{ Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::<prefix>-<region>/*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-...' } } }`
   * does that (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid);
   * with SSE-KMS the key policy must allow the organization's `kms:Decrypt` too. The synthesizer writes a
   * cdk-assets manifest (`<stack>.assets.json` in the cloud assembly) that publishes each asset to
   * every bucket of `assetRegions`: run `npx cdk-assets publish -p <manifest>` with the bucket
   * owner's credentials before the stack set is created or updated.
   * @default no bucket: a file asset in the template fails synthesis, naming the construct
   */
  readonly assetBucketNamePrefix?: string;
  /**
   * Regions whose buckets receive the assets (the stack set's Regions). Required with `assetBucketNamePrefix`.
   * @default none
   */
  readonly assetRegions?: string[];
}

/**
 * Synthesizer of a stack that is a StackSets template: the same template deploys to many accounts
 * and Regions, most of which were never CDK-bootstrapped. So, unlike `DefaultStackSynthesizer`, it
 * adds no bootstrap-version rule or parameter, names no bootstrap role, and puts file assets in
 * per-Region buckets the organization can read (`assetBucketNamePrefix`) rather than in the
 * bootstrap bucket of one account, which the target accounts cannot read. Without a bucket, a
 * template with a file asset fails synthesis: say which part needs one. Container images are not
 * supported.
 */
export class StackSetSynthesizer extends StackSynthesizer {
  /** Asset hashes and the file each one publishes, in order of addition. */
  public readonly fileAssets: Array<{ readonly sourceHash: string; readonly objectKey: string }> = [];
  private readonly manifest = new AssetManifestBuilder();
  private readonly prefix?: string;
  private readonly regions: readonly string[];

  constructor(props: StackSetSynthesizerProps = {}) {
    super();
    const prefix = props.assetBucketNamePrefix;
    if (prefix !== undefined && (Token.isUnresolved(prefix) || !/^[a-z0-9][a-z0-9.-]{1,40}[a-z0-9]$/.test(prefix))) {
      throw new Error(`StackSetSynthesizer: invalid assetBucketNamePrefix ${JSON.stringify(prefix)}. Must be a literal bucket-name prefix of 3 to 42 lower-case letters, digits, '.' or '-' (the Region is appended).`);
    }
    const regions = props.assetRegions ?? [];
    if (prefix !== undefined && (regions.length === 0 || regions.some((r) => Token.isUnresolved(r) || !/^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/.test(r)))) {
      throw new Error(`StackSetSynthesizer: invalid assetRegions ${JSON.stringify(regions)}. With assetBucketNamePrefix, list the stack set's Regions as literal Region codes: each gets a copy of the assets.`);
    }
    if (prefix === undefined && regions.length > 0) {
      throw new Error('StackSetSynthesizer: assetRegions is only meaningful with assetBucketNamePrefix.');
    }
    this.prefix = prefix;
    this.regions = [...new Set(regions)];
  }

  /** Whether the template may hold file assets (a bucket prefix was given). */
  public get hasAssetBuckets(): boolean {
    return this.prefix !== undefined;
  }

  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (this.prefix === undefined) {
      throw new Error(
        `${this.boundStack.node.path} is a StackSets template and has a file asset (${asset.displayName ?? asset.fileName ?? asset.sourceHash}), e.g. the code of a Lambda-backed part. ` +
          'Its target accounts cannot read the CDK bootstrap bucket of one account: give the StackSetSynthesizer an assetBucketNamePrefix (one bucket per Region, readable by the organization), or leave that part out of the baseline.',
      );
    }
    if (!asset.fileName || asset.executable) throw new Error(`${this.boundStack.node.path}: only file assets from a path are supported in a StackSets template.`);
    const extension = asset.packaging === FileAssetPackaging.ZIP_DIRECTORY ? '.zip' : path.extname(asset.fileName);
    const objectKey = `${asset.sourceHash}${extension}`;
    for (const region of this.regions) {
      this.manifest.addFileAsset(this.boundStack, asset.sourceHash, { path: asset.fileName, packaging: asset.packaging }, { bucketName: `${this.prefix}-${region}`, objectKey, region }, { displayName: asset.displayName });
    }
    this.fileAssets.push({ sourceHash: asset.sourceHash, objectKey });
    // Each stack instance reads the copy in its own Region.
    const bucketName = Fn.join('-', [this.prefix, Aws.REGION]);
    return {
      bucketName,
      objectKey,
      httpUrl: Fn.join('', ['https://', bucketName, '.s3.', Aws.REGION, '.', Aws.URL_SUFFIX, '/', objectKey]),
      s3ObjectUrl: Fn.join('', ['s3://', bucketName, '/', objectKey]),
    };
  }

  public addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error(`${this.boundStack.node.path} is a StackSets template: container image assets are not supported (push the image to a repository the organization can pull from and reference it by URI).`);
  }

  public synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    const dependencies = this.manifest.hasAssets ? [this.manifest.emitManifest(this.boundStack, session)] : [];
    this.emitArtifact(session, { additionalDependencies: dependencies });
  }
}
