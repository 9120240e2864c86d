import { DataSource } from 'typeorm';

/** pgvector cannot index `vector` columns of more dimensions than this with HNSW. */
export const HNSW_MAX_DIMENSIONS = 2000;

/** A dimension as SQL text; only a positive integer ever reaches SQL. */
function dimensionSql(dimension: number): string {
  if (!Number.isInteger(dimension) || dimension < 1) throw new RangeError(`not a vector dimension: ${dimension}`);
  return String(dimension);
}

/**
 * `rag_chunks.embedding` is an untyped `vector`, so models of any dimension can share the store. An HNSW index
 * needs a fixed dimension: each dimension gets a partial expression index, and a search must use this exact
 * expression and predicate for the planner to pick it.
 */
export function embeddingExpression(dimension: number, alias?: string): string {
  return `${alias ? `${alias}.` : ''}embedding::vector(${dimensionSql(dimension)})`;
}

export function embeddingDimensionPredicate(dimension: number, alias?: string): string {
  return `vector_dims(${alias ? `${alias}.` : ''}embedding) = ${dimensionSql(dimension)}`;
}

export function embeddingIndexName(dimension: number): string {
  return `rag_chunks_embedding_${dimensionSql(dimension)}_idx`;
}

/** The statement that creates one dimension's HNSW (cosine) index; `options` are HNSW build options, e.g. `m = 32, ef_construction = 200`. */
export function embeddingIndexSql(dimension: number, options?: string): string {
  return (
    `CREATE INDEX IF NOT EXISTS ${embeddingIndexName(dimension)} ON rag_chunks USING hnsw ((${embeddingExpression(dimension)}) vector_cosine_ops)` +
    `${options ? ` WITH (${options})` : ''} WHERE ${embeddingDimensionPredicate(dimension)}`
  );
}

/**
 * Creates the HNSW (cosine) index for one embedding dimension if it is missing, under an advisory lock so
 * replicas booting together do not race. Answers false when pgvector cannot index that many dimensions
 * (searches then scan exactly). On a store that already holds many chunks of this dimension, building the
 * index takes a while (about 100 s for 100k chunks on the embedded database).
 */
export async function ensureEmbeddingIndex(dataSource: DataSource, dimension: number): Promise<boolean> {
  if (dimension > HNSW_MAX_DIMENSIONS) return false;
  await dataSource.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('rag_chunks_embedding_index'))`);
    await manager.query(embeddingIndexSql(dimension));
  });
  return true;
}
