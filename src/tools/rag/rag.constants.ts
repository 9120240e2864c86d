import { RAG_EMBEDDING_DIMENSION } from '../../platform/database/migrations/1764806400000-rag-store';

/** Dimension of every embedding the store holds (fixed by the `vector(256)` column). */
export const RAG_DIMENSION = RAG_EMBEDDING_DIMENSION;

/** Bounds of one `rag_ingest` call. */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
export const MAX_DOCUMENTS_PER_INGEST = 50;

/** Reciprocal rank fusion constant (Cormack et al.); each list contributes 1 / (RRF_K + rank). */
export const RRF_K = 60;
/** Each ranked list fetches this many times `k` candidates before fusion. */
export const CANDIDATE_FACTOR = 4;

/** How to get pgvector onto an external server; logged when it is missing. */
export const PGVECTOR_INSTALL_HINT =
  'install pgvector on the PostgreSQL server (e.g. the postgresql-<version>-pgvector package, or build it from ' +
  'source) and run CREATE EXTENSION vector as a superuser, then restart; or use the embedded database (leave DB_URL unset), which ships pgvector';

/** Command that rebuilds every stored embedding with the configured embedder. */
export const REINDEX_HINT = 'npm run rag:reindex';
