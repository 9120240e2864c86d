import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stores made before embedders of other dimensions existed have `embedding vector(256)` and one HNSW index on it.
 * This makes the column an untyped `vector` (no table rewrite) and drops that index; the RAG family re-creates it
 * as the per-dimension index `rag_chunks_embedding_256_idx` when it starts. Does nothing where the store does not
 * exist (no pgvector) or is already untyped.
 */
export class RagAnyDimension1795910400000 implements MigrationInterface {
  readonly name = 'RagAnyDimension1795910400000';

  async up(runner: QueryRunner): Promise<void> {
    const rows = (await runner.query(
      `SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('rag_chunks') AND attname = 'embedding' AND atttypmod > 0`,
    )) as unknown[];
    if (rows.length === 0) return;
    await runner.query('DROP INDEX IF EXISTS rag_chunks_embedding_idx');
    await runner.query('ALTER TABLE rag_chunks ALTER COLUMN embedding TYPE vector');
  }

  /** Fails (pgvector: "expected 256 dimensions") while the store holds chunks of another dimension. */
  async down(runner: QueryRunner): Promise<void> {
    if (((await runner.query(`SELECT to_regclass('rag_chunks') IS NOT NULL AS present`)) as { present: boolean }[])[0].present !== true) return;
    await runner.query('DROP INDEX IF EXISTS rag_chunks_embedding_256_idx');
    await runner.query('ALTER TABLE rag_chunks ALTER COLUMN embedding TYPE vector(256)');
    await runner.query('CREATE INDEX IF NOT EXISTS rag_chunks_embedding_idx ON rag_chunks USING hnsw (embedding vector_cosine_ops)');
  }
}
