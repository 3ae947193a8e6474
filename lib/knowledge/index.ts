// Knowledge bases (RAG): documents, S3 Vectors store, ingestion, logging, grants. Public API only.
export { ChunkingStrategy, ChunkingStrategyType } from './chunking';
export type { FixedSizeChunkingOptions, HierarchicalChunkingOptions, SemanticChunkingOptions } from './chunking';
export { ALL_DISTANCE_METRICS, EmbeddingModel, VectorDistanceMetric } from './embedding-models';
export type { CustomEmbeddingModelOptions, TitanTextV2Dimensions } from './embedding-models';
export { KNOWLEDGE_BASE_METRICS_NAMESPACE, SecureKnowledgeBase, SecureKnowledgeBaseBase } from './secure-knowledge-base';
export type { ISecureKnowledgeBase, SecureKnowledgeBaseAttributes, SecureKnowledgeBaseProps } from './secure-knowledge-base';
export { BEDROCK_NON_FILTERABLE_METADATA_KEYS, KNOWLEDGE_BASE_VECTOR_ACTIONS, S3VectorStore, S3VectorStoreBase } from './vector-store';
export type { IS3VectorStore, S3VectorStoreAttributes, S3VectorStoreProps } from './vector-store';
