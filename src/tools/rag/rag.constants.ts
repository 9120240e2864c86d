/** The hashing embedder's dimension, and what `openai:` models are asked for (the store takes any dimension). */
export const RAG_DIMENSION = 256;

/** Bounds of one `rag_ingest` call (the bytes and chunks of one document are settings: RAG_MAX_DOCUMENT_BYTES, RAG_MAX_CHUNKS_PER_DOCUMENT). */
export const MAX_DOCUMENTS_PER_INGEST = 50;
/** The ceiling RAG_MAX_DOCUMENT_BYTES may be raised to; the DTO refuses longer text before any work. */
export const MAX_DOCUMENT_BYTES_CEILING = 16 * 1024 * 1024;
export const MAX_TITLE_LENGTH = 500;
export const MAX_SOURCE_LENGTH = 1000;
/** Bounds of a document's metadata (and of a search's metadata filter): JSON size, nesting and keys in all. */
export const METADATA_BOUNDS = { maxBytes: 16 * 1024, maxDepth: 8, maxKeys: 256 } as const;
/** A Markdown heading title is kept up to this many characters: a chunk's heading is repeated with every chunk under it. */
export const MAX_HEADING_TITLE_LENGTH = 200;

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

/** The family name: its tools need `rag:read` or `rag:write`. */
export const RAG_FAMILY = 'rag';
