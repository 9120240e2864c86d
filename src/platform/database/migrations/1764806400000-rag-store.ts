import { MigrationInterface, QueryRunner } from 'typeorm';

/** Anything that runs SQL: a TypeORM QueryRunner, EntityManager or DataSource. */
interface SqlRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/** True when the server can provide pgvector (installed files), whether or not the extension is created yet. */
export async function vectorExtensionAvailable(runner: SqlRunner): Promise<boolean> {
  const rows = (await runner.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)) as unknown[];
  return rows.length > 0;
}

/** True when the `vector` extension is created in this database. */
export async function vectorExtensionInstalled(runner: SqlRunner): Promise<boolean> {
  const rows = (await runner.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`)) as unknown[];
  return rows.length > 0;
}

/**
 * Creates the RAG store (idempotent; the `vector` extension must be created): `rag_documents`, `rag_chunks` with a generated
 * full-text column and its GIN index. `embedding` is an untyped `vector` so any model's dimension fits; the RAG family
 * adds the HNSW index for its embedder's dimension when it starts (`ensureEmbeddingIndex`).
 */
export async function createRagSchema(runner: SqlRunner): Promise<void> {
  await runner.query(`
    CREATE TABLE IF NOT EXISTS rag_documents (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      source text,
      title text,
      metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
      content text NOT NULL,
      content_sha256 text NOT NULL,
      embedder text NOT NULL,
      dim integer NOT NULL,
      chunk_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  await runner.query('CREATE UNIQUE INDEX IF NOT EXISTS rag_documents_source_key ON rag_documents (source) WHERE source IS NOT NULL');
  await runner.query('CREATE INDEX IF NOT EXISTS rag_documents_sha256_idx ON rag_documents (content_sha256)');
  await runner.query('CREATE INDEX IF NOT EXISTS rag_documents_metadata_idx ON rag_documents USING gin (metadata jsonb_path_ops)');
  await runner.query(`
    CREATE TABLE IF NOT EXISTS rag_chunks (
      id bigserial PRIMARY KEY,
      document_id uuid NOT NULL REFERENCES rag_documents (id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      heading text,
      text text NOT NULL,
      embedding vector NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(heading, '') || ' ' || text)) STORED,
      UNIQUE (document_id, ordinal)
    )`);
  await runner.query('CREATE INDEX IF NOT EXISTS rag_chunks_tsv_idx ON rag_chunks USING gin (tsv)');
}

/**
 * The RAG family's store. Runs on every database at boot, so it must not fail where pgvector is not
 * installed: there it does nothing, and the RAG family refuses to start its tools with a log line saying
 * how to install pgvector (it creates the same tables itself, idempotently, once pgvector appears).
 */
export class RagStore1764806400000 implements MigrationInterface {
  readonly name = 'RagStore1764806400000';

  async up(runner: QueryRunner): Promise<void> {
    if (!(await vectorExtensionInstalled(runner))) {
      if (!(await vectorExtensionAvailable(runner))) return;
      // Creating an extension may need privileges this role lacks: try it without failing the boot.
      await runner.query('SAVEPOINT rag_vector');
      try {
        await runner.query('CREATE EXTENSION IF NOT EXISTS vector');
        await runner.query('RELEASE SAVEPOINT rag_vector');
      } catch {
        await runner.query('ROLLBACK TO SAVEPOINT rag_vector');
        return;
      }
    }
    await createRagSchema(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS rag_chunks');
    await runner.query('DROP TABLE IF EXISTS rag_documents');
  }
}
