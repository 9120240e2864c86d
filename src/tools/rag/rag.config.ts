import { Inject, Injectable, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from '../../config/environment';
import { DatabaseTarget, InjectDatabaseTarget } from '../../platform/database/database-target';

/** The RAG family's settings. */
export interface RagSettings {
  /** ENABLE_RAG; unset means on for the embedded database or a RAG_DB_URL, off otherwise. */
  readonly enabled: boolean;
  /** RAG_EMBEDDING_MODEL: `hashing`, `openai:<model>` or `local:<dir>`. */
  readonly embeddingModel: string;
  /** RAG_EMBEDDINGS_URL: base URL of the OpenAI-compatible server (`/v1/embeddings` is appended). */
  readonly embeddingsUrl: string;
  /** RAG_EMBEDDINGS_API_KEY: bearer token for that server, if it wants one. */
  readonly embeddingsApiKey: string | undefined;
  /** RAG_EMBEDDING_DIMENSIONS: the vector length `openai:` models are asked for. */
  readonly embeddingDimensions: number;
  /** RAG_CHUNK_SIZE / RAG_CHUNK_OVERLAP, in characters. */
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  /** RAG_EXACT_SEARCH_MAX_CHUNKS: exact vector search up to this many selected chunks, HNSW above. */
  readonly exactSearchMaxChunks: number;
  /** RAG_HNSW_EF_SEARCH: the HNSW beam width of a search (recall against latency). */
  readonly hnswEfSearch: number;
  /** Seed the sample corpus into an empty store on the embedded database (DB_SEED_SAMPLE_DATA). */
  readonly seedCorpus: boolean;
  /** RAG_CORPUS_DIR: the sample corpus. */
  readonly corpusDir: string;
  /** RAG_MAX_DOCUMENT_BYTES: largest document text, UTF-8 bytes. */
  readonly maxDocumentBytes: number;
  /** RAG_MAX_CHUNKS_PER_DOCUMENT: most chunks one document may split into. */
  readonly maxChunksPerDocument: number;
  /** RAG_EMBEDDINGS_TIMEOUT_SECONDS, in milliseconds: one whole embed call of an `openai:` embedder. */
  readonly embeddingsTimeoutMs: number;
  /** RAG_HEALTH_CACHE_SECONDS, in milliseconds: how long `/health` reuses the store's figures. */
  readonly healthCacheMs: number;
}

/** Replaces some settings (tests, the CLI); provided by `RagModule.register()`. */
export const RAG_SETTINGS_OVERRIDES = Symbol('RAG_SETTINGS_OVERRIDES');

/** The RAG family's settings, read once from the validated environment (tests and the CLI may override). */
@Injectable()
export class RagConfig implements RagSettings {
  readonly enabled: boolean;
  readonly embeddingModel: string;
  readonly embeddingsUrl: string;
  readonly embeddingsApiKey: string | undefined;
  readonly embeddingDimensions: number;
  readonly chunkSize: number;
  readonly chunkOverlap: number;
  readonly exactSearchMaxChunks: number;
  readonly hnswEfSearch: number;
  readonly seedCorpus: boolean;
  readonly corpusDir: string;
  readonly maxDocumentBytes: number;
  readonly maxChunksPerDocument: number;
  readonly embeddingsTimeoutMs: number;
  readonly healthCacheMs: number;

  constructor(
    config: ConfigService<Environment, true>,
    @InjectDatabaseTarget() target: DatabaseTarget,
    @Optional() @Inject(RAG_SETTINGS_OVERRIDES) overrides?: Partial<RagSettings>,
  ) {
    const embedded = target.embedded !== undefined;
    this.enabled = overrides?.enabled ?? config.get('ENABLE_RAG', { infer: true }) ?? (embedded || config.get('RAG_DB_URL', { infer: true }) !== undefined);
    this.embeddingModel = overrides?.embeddingModel ?? config.get('RAG_EMBEDDING_MODEL', { infer: true });
    this.embeddingsUrl = overrides?.embeddingsUrl ?? config.get('RAG_EMBEDDINGS_URL', { infer: true });
    this.embeddingsApiKey = overrides?.embeddingsApiKey ?? config.get('RAG_EMBEDDINGS_API_KEY', { infer: true });
    this.embeddingDimensions = overrides?.embeddingDimensions ?? config.get('RAG_EMBEDDING_DIMENSIONS', { infer: true });
    this.chunkSize = overrides?.chunkSize ?? config.get('RAG_CHUNK_SIZE', { infer: true });
    this.chunkOverlap = Math.min(
      overrides?.chunkOverlap ?? config.get('RAG_CHUNK_OVERLAP', { infer: true }),
      Math.floor(this.chunkSize / 2),
    );
    this.exactSearchMaxChunks = overrides?.exactSearchMaxChunks ?? config.get('RAG_EXACT_SEARCH_MAX_CHUNKS', { infer: true });
    this.hnswEfSearch = overrides?.hnswEfSearch ?? config.get('RAG_HNSW_EF_SEARCH', { infer: true });
    this.seedCorpus = overrides?.seedCorpus ?? (embedded && config.get('DB_SEED_SAMPLE_DATA', { infer: true }));
    this.corpusDir = overrides?.corpusDir ?? config.get('RAG_CORPUS_DIR', { infer: true });
    this.maxDocumentBytes = overrides?.maxDocumentBytes ?? config.get('RAG_MAX_DOCUMENT_BYTES', { infer: true });
    this.maxChunksPerDocument = overrides?.maxChunksPerDocument ?? config.get('RAG_MAX_CHUNKS_PER_DOCUMENT', { infer: true });
    this.embeddingsTimeoutMs = overrides?.embeddingsTimeoutMs ?? config.get('RAG_EMBEDDINGS_TIMEOUT_SECONDS', { infer: true }) * 1000;
    this.healthCacheMs = overrides?.healthCacheMs ?? config.get('RAG_HEALTH_CACHE_SECONDS', { infer: true }) * 1000;
  }
}
