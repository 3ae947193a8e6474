import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import { IConstruct } from 'constructs';
import { PlatformValidationError } from '../core/errors';
import { isResolved, requireIntegerInRange } from '../core/validate';
import { EmbeddingModel } from './embedding-models';

/*
 * Chunking strategies of a knowledge base's data source, with the ranges of the Bedrock Agent API
 * reference (FixedSizeChunkingConfiguration, HierarchicalChunkingConfiguration,
 * SemanticChunkingConfiguration), checked at synth time instead of at CreateDataSource:
 * - fixed size: maxTokens >= 1, overlapPercentage 1 to 99;
 * - hierarchical: exactly two levels (parent, child), each maxTokens 1 to 8192, overlapTokens >= 1;
 * - semantic: maxTokens >= 1, bufferSize 0 or 1, breakpointPercentileThreshold 50 to 99.
 * The chunk that is embedded (the fixed or semantic chunk, the hierarchical child) must also fit the
 * embedding model's input. Bedrock cannot change a data source's chunking strategy in place: a new
 * strategy means a new data source and a full re-ingestion (the construct handles the replacement).
 */

/** Options of {@link ChunkingStrategy.fixedSize}. */
export interface FixedSizeChunkingOptions {
  /** Largest chunk, in tokens (at least 1, at most the embedding model's input). */
  readonly maxTokens: number;
  /** Overlap between consecutive chunks, in percent (1 to 99). */
  readonly overlapPercentage: number;
}

/** Options of {@link ChunkingStrategy.hierarchical}. */
export interface HierarchicalChunkingOptions {
  /** Largest parent chunk, in tokens (1 to 8192): what retrieval returns as context. */
  readonly parentMaxTokens: number;
  /** Largest child chunk, in tokens (1 to 8192, at most the parent's and the embedding model's input): what is embedded and matched. */
  readonly childMaxTokens: number;
  /** Overlap between consecutive child chunks, in tokens (at least 1). */
  readonly overlapTokens: number;
}

/** Options of {@link ChunkingStrategy.semantic}. */
export interface SemanticChunkingOptions {
  /** Largest chunk, in tokens (at least 1, at most the embedding model's input). */
  readonly maxTokens: number;
  /** Sentences on each side compared with each sentence (0 or 1). */
  readonly bufferSize: number;
  /** Dissimilarity percentile at which sentences are split (50 to 99). */
  readonly breakpointPercentileThreshold: number;
}

/** The strategy names of the API (`chunkingStrategy`). */
export enum ChunkingStrategyType {
  FIXED_SIZE = 'FIXED_SIZE',
  HIERARCHICAL = 'HIERARCHICAL',
  SEMANTIC = 'SEMANTIC',
  NONE = 'NONE',
}

/**
 * How a knowledge base splits documents before embedding them. Build one with a factory; the
 * parameters are checked when the knowledge base is constructed (errors name its path).
 */
export class ChunkingStrategy {
  /** Chunks of at most `maxTokens`, overlapping by `overlapPercentage` percent. */
  public static fixedSize(options: FixedSizeChunkingOptions): ChunkingStrategy {
    return new ChunkingStrategy(ChunkingStrategyType.FIXED_SIZE, { ...options });
  }

  /** Parent chunks for context and smaller child chunks for matching. */
  public static hierarchical(options: HierarchicalChunkingOptions): ChunkingStrategy {
    return new ChunkingStrategy(ChunkingStrategyType.HIERARCHICAL, { ...options });
  }

  /** Chunks split where consecutive sentences differ most (Bedrock invokes the embedding model to compare them). */
  public static semantic(options: SemanticChunkingOptions): ChunkingStrategy {
    return new ChunkingStrategy(ChunkingStrategyType.SEMANTIC, { ...options });
  }

  /** Bedrock's default: fixed-size chunks of about 300 tokens with 20% overlap. */
  public static readonly DEFAULT = ChunkingStrategy.fixedSize({ maxTokens: 300, overlapPercentage: 20 });
  /** Each file is one chunk (for documents already split, one per file). */
  public static readonly NONE = new ChunkingStrategy(ChunkingStrategyType.NONE, {});

  private constructor(
    /** The strategy. */
    public readonly type: ChunkingStrategyType,
    private readonly options: Partial<FixedSizeChunkingOptions & HierarchicalChunkingOptions & SemanticChunkingOptions>,
  ) {}

  /** The largest chunk that is embedded, in tokens; undefined with `NONE` (a whole file). */
  public get embeddedMaxTokens(): number | undefined {
    if (this.type === ChunkingStrategyType.HIERARCHICAL) return this.options.childMaxTokens;
    return this.options.maxTokens;
  }

  /** Throws unless the parameters are in the API's ranges and the embedded chunk fits `embeddingModel`. */
  public validate(scope: IConstruct, prop: string, embeddingModel?: EmbeddingModel): this {
    const o = this.options;
    switch (this.type) {
      case ChunkingStrategyType.FIXED_SIZE:
        requireIntegerInRange(scope, `${prop}.maxTokens`, o.maxTokens as number, 1, Number.MAX_SAFE_INTEGER);
        requireIntegerInRange(scope, `${prop}.overlapPercentage`, o.overlapPercentage as number, 1, 99);
        break;
      case ChunkingStrategyType.HIERARCHICAL:
        requireIntegerInRange(scope, `${prop}.parentMaxTokens`, o.parentMaxTokens as number, 1, 8192);
        requireIntegerInRange(scope, `${prop}.childMaxTokens`, o.childMaxTokens as number, 1, 8192);
        requireIntegerInRange(scope, `${prop}.overlapTokens`, o.overlapTokens as number, 1, Number.MAX_SAFE_INTEGER);
        if (isResolved(o.parentMaxTokens) && isResolved(o.childMaxTokens) && (o.childMaxTokens as number) > (o.parentMaxTokens as number)) {
          throw new PlatformValidationError(scope, `${prop}.childMaxTokens`, o.childMaxTokens, `A child chunk is part of its parent: at most parentMaxTokens (${o.parentMaxTokens}).`);
        }
        break;
      case ChunkingStrategyType.SEMANTIC:
        requireIntegerInRange(scope, `${prop}.maxTokens`, o.maxTokens as number, 1, Number.MAX_SAFE_INTEGER);
        requireIntegerInRange(scope, `${prop}.bufferSize`, o.bufferSize as number, 0, 1);
        requireIntegerInRange(scope, `${prop}.breakpointPercentileThreshold`, o.breakpointPercentileThreshold as number, 50, 99);
        break;
      case ChunkingStrategyType.NONE:
        break;
    }
    const embedded = this.embeddedMaxTokens;
    const limit = embeddingModel?.maxInputTokens;
    if (embedded !== undefined && limit !== undefined && isResolved(embedded) && embedded > limit) {
      const field = this.type === ChunkingStrategyType.HIERARCHICAL ? 'childMaxTokens' : 'maxTokens';
      throw new PlatformValidationError(scope, `${prop}.${field}`, embedded, `${embeddingModel!.displayName} embeds at most ${limit} tokens: chunks above that would be truncated or fail ingestion.`);
    }
    return this;
  }

  /** The data source's `ChunkingConfiguration`. */
  public render(): bedrock.CfnDataSource.ChunkingConfigurationProperty {
    const o = this.options;
    switch (this.type) {
      case ChunkingStrategyType.FIXED_SIZE:
        return { chunkingStrategy: this.type, fixedSizeChunkingConfiguration: { maxTokens: o.maxTokens!, overlapPercentage: o.overlapPercentage! } };
      case ChunkingStrategyType.HIERARCHICAL:
        return {
          chunkingStrategy: this.type,
          hierarchicalChunkingConfiguration: { levelConfigurations: [{ maxTokens: o.parentMaxTokens! }, { maxTokens: o.childMaxTokens! }], overlapTokens: o.overlapTokens! },
        };
      case ChunkingStrategyType.SEMANTIC:
        return {
          chunkingStrategy: this.type,
          semanticChunkingConfiguration: { maxTokens: o.maxTokens!, bufferSize: o.bufferSize!, breakpointPercentileThreshold: o.breakpointPercentileThreshold! },
        };
      case ChunkingStrategyType.NONE:
        return { chunkingStrategy: this.type };
    }
  }
}

/** Checks a value from any caller and validates its parameters. */
export function requireChunkingStrategy(scope: IConstruct, prop: string, value: ChunkingStrategy | undefined, embeddingModel?: EmbeddingModel): ChunkingStrategy | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof ChunkingStrategy)) {
    throw new PlatformValidationError(scope, prop, value, 'Must be a ChunkingStrategy, e.g. ChunkingStrategy.fixedSize({ maxTokens: 300, overlapPercentage: 20 }), ChunkingStrategy.hierarchical({ ... }), ChunkingStrategy.semantic({ ... }) or ChunkingStrategy.NONE.');
  }
  return value.validate(scope, prop, embeddingModel);
}
