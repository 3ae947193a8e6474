import { IConstruct } from 'constructs';
import { BedrockModel, BedrockModelKind } from '../core/bedrock-model';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireIntegerInRange } from '../core/validate';

/**
 * How an S3 Vectors index compares vectors (`DistanceMetric` of AWS::S3Vectors::Index: `cosine` or
 * `euclidean`, https://docs.aws.amazon.com/AmazonS3/latest/API/API_S3VectorBuckets_CreateIndex.html).
 */
export enum VectorDistanceMetric {
  /** The angle between vectors: right for every embedding model here. */
  COSINE = 'cosine',
  /** The straight-line distance: ranks like cosine only for unit-length (normalized) vectors. */
  EUCLIDEAN = 'euclidean',
}

/** Every distance metric S3 Vectors offers. */
export const ALL_DISTANCE_METRICS: readonly VectorDistanceMetric[] = Object.values(VectorDistanceMetric);

/** What {@link EmbeddingModel.custom} needs to know of an embedding model the catalog does not list. */
export interface CustomEmbeddingModelOptions {
  /** The model, a foundation model or a cross-Region inference profile (`BedrockModel.foundationModel('...')`). */
  readonly model: BedrockModel;
  /** Length of the vectors the model returns, as configured (1 to 4096: the S3 Vectors limit). */
  readonly dimensions: number;
  /**
   * Whether the knowledge base must ask for `dimensions` (`embeddingModelConfiguration.dimensions`):
   * for models whose output length is configurable.
   * @default false
   */
  readonly configurableDimensions?: boolean;
  /**
   * Longest input the model embeds, in tokens: a chunk size above it is refused at synth time.
   * @default no check
   */
  readonly maxInputTokens?: number;
  /**
   * Whether the model returns unit-length vectors, so that Euclidean distance ranks like cosine.
   * @default false: only `VectorDistanceMetric.COSINE` matches
   */
  readonly normalized?: boolean;
}

/** Dimensions Titan Text Embeddings V2 can return. */
export type TitanTextV2Dimensions = 256 | 512 | 1024;

const TITAN_V2_DIMENSIONS: readonly number[] = [256, 512, 1024];

/**
 * An embedding model a knowledge base can use, with what the vector index must match: the vector
 * length and the distance metrics its vectors are meant for. Facts from the Amazon Bedrock User
 * Guide (model cards, "Supported models and Regions for Amazon Bedrock knowledge bases"):
 *
 * - Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`): 256, 512 or 1024 dimensions
 *   (default 1024), up to 8,192 input tokens, normalized output by default;
 * - Titan Embeddings G1 - Text (`amazon.titan-embed-text-v1`): 1536 dimensions, up to 8,192 tokens;
 * - Cohere Embed English v3 / Multilingual v3 (`cohere.embed-english-v3`,
 *   `cohere.embed-multilingual-v3`): 1024 dimensions, up to 512 tokens per text.
 *
 * Other models (a newer Cohere or Nova embedding model, a cross-Region profile of one):
 * {@link EmbeddingModel.custom}.
 */
export class EmbeddingModel {
  /** Titan Text Embeddings V2 at `dimensions` (256, 512 or 1024): smaller vectors cost less to store and query. */
  public static titanTextV2(dimensions: TitanTextV2Dimensions = 1024): EmbeddingModel {
    return new EmbeddingModel('Titan Text Embeddings V2', BedrockModel.foundationModel('amazon.titan-embed-text-v2:0'), dimensions, {
      configurableDimensions: true,
      supportedDimensions: TITAN_V2_DIMENSIONS,
      maxInputTokens: 8192,
      normalized: true,
    });
  }

  /** Titan Text Embeddings V2 at 1024 dimensions: the default. */
  public static readonly TITAN_TEXT_V2 = EmbeddingModel.titanTextV2(1024);
  /** Titan Embeddings G1 - Text, 1536 dimensions. */
  public static readonly TITAN_TEXT_V1 = new EmbeddingModel('Titan Embeddings G1 - Text', BedrockModel.foundationModel('amazon.titan-embed-text-v1'), 1536, { maxInputTokens: 8192 });
  /** Cohere Embed English v3, 1024 dimensions. */
  public static readonly COHERE_EMBED_ENGLISH_V3 = new EmbeddingModel('Cohere Embed English v3', BedrockModel.foundationModel('cohere.embed-english-v3'), 1024, { maxInputTokens: 512 });
  /** Cohere Embed Multilingual v3, 1024 dimensions. */
  public static readonly COHERE_EMBED_MULTILINGUAL_V3 = new EmbeddingModel('Cohere Embed Multilingual v3', BedrockModel.foundationModel('cohere.embed-multilingual-v3'), 1024, { maxInputTokens: 512 });

  /** An embedding model the catalog does not list; say what its vectors look like. */
  public static custom(options: CustomEmbeddingModelOptions): EmbeddingModel {
    return new EmbeddingModel(`${options.model}`, options.model, options.dimensions, {
      configurableDimensions: options.configurableDimensions,
      maxInputTokens: options.maxInputTokens,
      normalized: options.normalized,
    });
  }

  /** The model the knowledge base invokes (its service role is granted exactly this). */
  public readonly model: BedrockModel;
  /** Length of the vectors it returns, as configured. */
  public readonly dimensions: number;
  /** Longest input it embeds, in tokens, when known. */
  public readonly maxInputTokens?: number;
  /** The distance metrics its vectors are meant for. */
  public readonly distanceMetrics: readonly VectorDistanceMetric[];
  /** Whether the knowledge base asks the model for `dimensions`. */
  public readonly configurableDimensions: boolean;
  private readonly supportedDimensions?: readonly number[];

  private constructor(
    /** Name for messages. */
    public readonly displayName: string,
    model: BedrockModel,
    dimensions: number,
    options: { configurableDimensions?: boolean; supportedDimensions?: readonly number[]; maxInputTokens?: number; normalized?: boolean },
  ) {
    this.model = model;
    this.dimensions = dimensions;
    this.maxInputTokens = options.maxInputTokens;
    this.configurableDimensions = options.configurableDimensions ?? false;
    this.supportedDimensions = options.supportedDimensions;
    // Unit-length vectors: |a-b|^2 = 2 - 2cos(a,b), so both metrics rank alike.
    this.distanceMetrics = options.normalized ? [VectorDistanceMetric.COSINE, VectorDistanceMetric.EUCLIDEAN] : [VectorDistanceMetric.COSINE];
  }

  /** Throws unless the model is usable by a knowledge base (an exact model, a valid vector length). */
  public validate(scope: IConstruct, prop: string): this {
    this.model.validate(scope, `${prop}.model`, {
      kinds: [BedrockModelKind.FOUNDATION_MODEL, BedrockModelKind.CROSS_REGION_PROFILE],
      reason: 'a knowledge base embeds with a foundation model, invoked on demand or through a cross-Region inference profile',
    });
    requireIntegerInRange(scope, `${prop}.dimensions`, this.dimensions, 1, 4096);
    if (this.supportedDimensions && isResolved(this.dimensions) && !this.supportedDimensions.includes(this.dimensions)) {
      throw new PlatformValidationError(scope, `${prop}.dimensions`, this.dimensions, `${this.displayName} returns vectors of ${this.supportedDimensions.join(', ')} dimensions.`);
    }
    if (this.maxInputTokens !== undefined) requireIntegerInRange(scope, `${prop}.maxInputTokens`, this.maxInputTokens, 1, 1_000_000);
    return this;
  }
}

/** Checks a value from any caller (JavaScript may pass a model ID string) and validates the model. */
export function requireEmbeddingModel(scope: IConstruct, prop: string, value: EmbeddingModel | undefined): EmbeddingModel | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof EmbeddingModel)) {
    throw new PlatformValidationError(scope, prop, value, 'Must be an EmbeddingModel, e.g. EmbeddingModel.titanTextV2(512), EmbeddingModel.COHERE_EMBED_ENGLISH_V3 or EmbeddingModel.custom({ ... }).');
  }
  return value.validate(scope, prop);
}
