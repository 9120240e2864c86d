import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RagChunk } from './rag-chunker';
import { InjectRagDataSource } from './rag-data-source';
import { embeddingDimensionPredicate, embeddingExpression } from './rag-embedding-index';
import { CANDIDATE_FACTOR, RRF_K } from './rag.constants';

export type RagSearchMode = 'hybrid' | 'vector' | 'text';

export interface RagDocumentRow {
  readonly id: string;
  readonly source: string | null;
  readonly title: string | null;
  readonly metadata: Record<string, unknown>;
  readonly content_sha256: string;
  readonly embedder: string;
  readonly dim: number;
  readonly chunk_count: number;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export interface NewRagDocument {
  readonly source: string | null;
  readonly title: string | null;
  readonly metadata: Record<string, unknown>;
  readonly content: string;
  readonly sha256: string;
  readonly embedder: string;
  readonly dim: number;
  readonly chunks: readonly RagChunk[];
  readonly embeddings: readonly number[][];
}

/** Where a newest-first page of documents resumes: the last document's `created_at` (as text) and id. */
export interface RagDocumentPosition {
  readonly createdAt: string;
  readonly id: string;
}

export interface RagSearchQuery {
  readonly mode: RagSearchMode;
  readonly text: string;
  readonly embedding?: readonly number[];
  readonly k: number;
  readonly source?: string;
  readonly metadata?: Record<string, unknown>;
  /** When the documents the filters select hold at most this many chunks, the vector list is exact (no HNSW). */
  readonly exactSearchMaxChunks: number;
  /** HNSW beam width (`hnsw.ef_search`) above that; raised to the candidate count when lower. */
  readonly efSearch: number;
}

export interface RagHitRow {
  readonly document_id: string;
  readonly ordinal: number;
  readonly heading: string | null;
  readonly text: string;
  readonly title: string | null;
  readonly source: string | null;
  readonly score: number;
  readonly vector_rank: number | null;
  readonly text_rank: number | null;
  readonly similarity: number | null;
  readonly text_score: number | null;
}

/** Documents indexed by another embedder than `$1` at `$2` dimensions (the name alone misses a `local:` model swapped in place). */
const OTHER_EMBEDDER = '(embedder <> $1 OR dim <> $2)';
const DOCUMENT_COLUMNS = 'id, source, title, metadata, content_sha256, embedder, dim, chunk_count, created_at, updated_at';
/** Rows per multi-row chunk insert (6 parameters each). */
const INSERT_BATCH = 500;

/** pgvector's text form of a vector. */
export const vectorLiteral = (vector: readonly number[]): string => `[${vector.map((value) => (Number.isFinite(value) ? value : 0)).join(',')}]`;

/** The conditions on `rag_documents d` of a search's filters; `add` binds a value and answers its placeholder. */
function documentFilters(query: Pick<RagSearchQuery, 'source' | 'metadata'>, add: (value: unknown) => string): string[] {
  const filters: string[] = [];
  if (query.source !== undefined) filters.push(`d.source = ${add(query.source)}`);
  if (query.metadata !== undefined && Object.keys(query.metadata).length > 0) filters.push(`d.metadata @> ${add(JSON.stringify(query.metadata))}::jsonb`);
  return filters;
}

/**
 * The RAG store: `rag_documents` and `rag_chunks`, through TypeORM's DataSource (the main connection;
 * on the embedded database its single session). Every statement is parameterized.
 */
@Injectable()
export class RagRepository {
  constructor(@InjectRagDataSource() private readonly dataSource: DataSource) {}

  async tablesExist(): Promise<boolean> {
    const [row] = (await this.dataSource.query(`SELECT to_regclass('rag_chunks') IS NOT NULL AS present`)) as { present: boolean }[];
    return row.present;
  }

  async countDocuments(): Promise<number> {
    const [row] = (await this.dataSource.query('SELECT count(*)::int AS count FROM rag_documents')) as { count: number }[];
    return row.count;
  }

  /** Embedders other than `embedder` at `dim` dimensions that stored documents were indexed with, as `name (N dimensions)`. */
  async otherEmbedders(embedder: string, dim: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT embedder, dim FROM rag_documents WHERE ${OTHER_EMBEDDER} ORDER BY embedder, dim`,
      [embedder, dim],
    )) as { embedder: string; dim: number }[];
    return rows.map((row) => `${row.embedder} (${row.dim} dimensions)`);
  }

  async idsIndexedWithOther(embedder: string, dim: number): Promise<string[]> {
    const rows = (await this.dataSource.query(`SELECT id FROM rag_documents WHERE ${OTHER_EMBEDDER} ORDER BY created_at, id`, [embedder, dim])) as {
      id: string;
    }[];
    return rows.map((row) => row.id);
  }

  async findBySource(source: string): Promise<RagDocumentRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${DOCUMENT_COLUMNS} FROM rag_documents WHERE source = $1`, [source])) as RagDocumentRow[];
    return rows[0];
  }

  /** A document without a source holding exactly this content. */
  async findUnsourcedByHash(sha256: string): Promise<RagDocumentRow | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT ${DOCUMENT_COLUMNS} FROM rag_documents WHERE source IS NULL AND content_sha256 = $1 ORDER BY created_at LIMIT 1`,
      [sha256],
    )) as RagDocumentRow[];
    return rows[0];
  }

  async findById(id: string): Promise<(RagDocumentRow & { content: string }) | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${DOCUMENT_COLUMNS}, content FROM rag_documents WHERE id = $1`, [id])) as (RagDocumentRow & {
      content: string;
    })[];
    return rows[0];
  }

  /**
   * Inserts a document, or replaces the document `replacing` (its row and all its chunks), in one
   * transaction: readers see the old version or the new one, never a mix, and a failure keeps the old one.
   */
  async save(document: NewRagDocument, replacing?: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      let id: string;
      if (replacing) {
        // The row first: its lock orders concurrent replacements, and the DELETE after it (a new snapshot) then
        // sees the chunks the previous one committed (deleted first, it missed them: a duplicate ordinal).
        await manager.query(
          `UPDATE rag_documents SET title = $2, metadata = $3::jsonb, content = $4, content_sha256 = $5, embedder = $6, dim = $7,
             chunk_count = $8, updated_at = now() WHERE id = $1`,
          [replacing, document.title, JSON.stringify(document.metadata), document.content, document.sha256, document.embedder, document.dim, document.chunks.length],
        );
        await manager.query('DELETE FROM rag_chunks WHERE document_id = $1', [replacing]);
        id = replacing;
      } else {
        // Two callers ingesting one new source at once: the second waits for the first's row and replaces it
        // (a plain INSERT failed the second on the unique key, answered `error`).
        const [row] = (await manager.query(
          `INSERT INTO rag_documents (source, title, metadata, content, content_sha256, embedder, dim, chunk_count)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8)
           ON CONFLICT (source) WHERE source IS NOT NULL DO UPDATE SET title = EXCLUDED.title, metadata = EXCLUDED.metadata, content = EXCLUDED.content,
             content_sha256 = EXCLUDED.content_sha256, embedder = EXCLUDED.embedder, dim = EXCLUDED.dim,
             chunk_count = EXCLUDED.chunk_count, updated_at = now()
           RETURNING id`,
          [document.source, document.title, JSON.stringify(document.metadata), document.content, document.sha256, document.embedder, document.dim, document.chunks.length],
        )) as { id: string }[];
        id = row.id;
        await manager.query('DELETE FROM rag_chunks WHERE document_id = $1', [id]);
      }
      await this.insertChunks(manager, id, document);
      return id;
    });
  }

  private async insertChunks(manager: EntityManager, id: string, document: NewRagDocument): Promise<void> {
    for (let offset = 0; offset < document.chunks.length; offset += INSERT_BATCH) {
      const batch = document.chunks.slice(offset, offset + INSERT_BATCH);
      const params: unknown[] = [id];
      const rows = batch.map((chunk, i) => {
        params.push(chunk.ordinal, chunk.heading, chunk.text, vectorLiteral(document.embeddings[offset + i]));
        const base = 1 + i * 4;
        return `($1, $${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}::vector)`;
      });
      await manager.query(`INSERT INTO rag_chunks (document_id, ordinal, heading, text, embedding) VALUES ${rows.join(', ')}`, params);
    }
  }

  /**
   * Up to `limit` documents, newest first, whose id starts with `partial` or whose title contains it
   * (case-insensitive). The text is bound as a parameter with `%`, `_` and `\\` escaped: it matches literally.
   */
  async suggest(partial: string, limit: number): Promise<{ id: string; title: string | null }[]> {
    const literal = escapeLike(partial);
    return (await this.dataSource.query(
      `SELECT id::text AS id, title FROM rag_documents
       WHERE id::text LIKE $1 ESCAPE '\\' OR title ILIKE $2 ESCAPE '\\'
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [`${literal.toLowerCase()}%`, `%${literal}%`, limit],
    )) as { id: string; title: string | null }[];
  }

  /**
   * Documents newest first, after the keyset position `after` when given. `position_at` is `created_at` as
   * PostgreSQL prints it (microseconds kept, unlike a JS Date), for the next page's position.
   */
  async page(limit: number, after?: RagDocumentPosition): Promise<(RagDocumentRow & { position_at: string })[]> {
    return (await this.dataSource.query(
      `SELECT ${DOCUMENT_COLUMNS}, created_at::text AS position_at FROM rag_documents
       WHERE $2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)
       ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit, after?.createdAt ?? null, after?.id ?? null],
    )) as (RagDocumentRow & { position_at: string })[];
  }

  async list(limit: number, offset: number, source?: string): Promise<{ rows: RagDocumentRow[]; total: number }> {
    const where = source === undefined ? '' : 'WHERE source = $3';
    const params: unknown[] = source === undefined ? [limit, offset] : [limit, offset, source];
    const rows = (await this.dataSource.query(
      `SELECT ${DOCUMENT_COLUMNS}, count(*) OVER ()::int AS total FROM rag_documents ${where} ORDER BY created_at, id LIMIT $1 OFFSET $2`,
      params,
    )) as (RagDocumentRow & { total: number })[];
    if (rows.length > 0 || offset === 0) return { rows, total: rows[0]?.total ?? 0 };
    const [count] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM rag_documents ${source === undefined ? '' : 'WHERE source = $1'}`, source === undefined ? [] : [source])) as { total: number }[];
    return { rows, total: count.total };
  }

  /** Deletes a document and (by cascade) its chunks; answers what was deleted. */
  async delete(id: string): Promise<RagDocumentRow | undefined> {
    const rows = (await this.dataSource.query(`DELETE FROM rag_documents WHERE id = $1 RETURNING ${DOCUMENT_COLUMNS}`, [id])) as [RagDocumentRow[], number] | RagDocumentRow[];
    const deleted = Array.isArray(rows[0]) ? (rows[0] as RagDocumentRow[]) : (rows as RagDocumentRow[]);
    return deleted[0];
  }

  /**
   * One statement: the vector list (KNN by cosine distance) and/or the full-text list (`websearch_to_tsquery`,
   * `ts_rank_cd`), each `k × CANDIDATE_FACTOR` long, fused by reciprocal rank (score = Σ 1 / (60 + rank)).
   * Filters apply to both lists. The vector list is exact (a scan of the selected chunks) when they are at most
   * `exactSearchMaxChunks`; above that it walks the HNSW index, with iterative scans so a selective filter still
   * fills the list (pgvector ≥ 0.8).
   */
  async search(query: RagSearchQuery): Promise<RagHitRow[]> {
    const exact = query.mode !== 'text' && query.exactSearchMaxChunks > 0 && (await this.selectedChunks(query)) <= query.exactSearchMaxChunks;
    const params: unknown[] = [query.k * CANDIDATE_FACTOR, query.k];
    const add = (value: unknown): string => `$${params.push(value)}`;
    const filters = documentFilters(query, add);
    const where = (extra: string[]): string => {
      const all = [...filters, ...extra];
      return all.length > 0 ? `WHERE ${all.join(' AND ')}` : '';
    };
    const lists: string[] = [];
    if (query.mode !== 'text') {
      const embedding = query.embedding ?? [];
      const dimension = embedding.length;
      const vector = `${add(vectorLiteral(embedding))}::vector(${dimension})`;
      const column = embeddingExpression(dimension, 'c');
      const rank = 'SELECT id, row_number() OVER (ORDER BY distance, id)::int AS rank, 1 - distance AS similarity';
      const distance = `SELECT c.id, ${column} <=> ${vector} AS distance FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id
        ${where([embeddingDimensionPredicate(dimension, 'c')])}`;
      // A materialized CTE computes every distance (exact); ordering by the operator itself lets the planner walk HNSW.
      lists.push(
        exact
          ? `dist AS MATERIALIZED (${distance}),
        vec AS (${rank} FROM (SELECT id, distance FROM dist ORDER BY distance, id LIMIT $1) v)`
          : `vec AS (${rank} FROM (${distance} ORDER BY ${column} <=> ${vector} LIMIT $1) v)`,
      );
    }
    if (query.mode !== 'vector') {
      const text = add(query.text);
      lists.push(`txt AS (
        SELECT id, row_number() OVER (ORDER BY score DESC, id)::int AS rank, score FROM (
          SELECT c.id, ts_rank_cd(c.tsv, websearch_to_tsquery('english', ${text})) AS score
          FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id
          ${where([`c.tsv @@ websearch_to_tsquery('english', ${text})`])}
          ORDER BY score DESC, c.id LIMIT $1) t)`);
    }
    const fused =
      query.mode === 'hybrid'
        ? `SELECT coalesce(vec.id, txt.id) AS id, vec.rank AS vector_rank, txt.rank AS text_rank, vec.similarity, txt.score AS text_score,
             coalesce(1.0 / (${RRF_K} + vec.rank), 0) + coalesce(1.0 / (${RRF_K} + txt.rank), 0) AS score
           FROM vec FULL JOIN txt ON txt.id = vec.id`
        : query.mode === 'vector'
          ? `SELECT id, rank AS vector_rank, NULL::int AS text_rank, similarity, NULL::real AS text_score, 1.0 / (${RRF_K} + rank) AS score FROM vec`
          : `SELECT id, NULL::int AS vector_rank, rank AS text_rank, NULL::double precision AS similarity, score AS text_score, 1.0 / (${RRF_K} + rank) AS score FROM txt`;
    const sql = `WITH ${lists.join(',\n')},
      fused AS (${fused})
      SELECT c.document_id, c.ordinal, c.heading, c.text, d.title, d.source, f.score::float8 AS score, f.vector_rank, f.text_rank,
        f.similarity::float8 AS similarity, f.text_score::float8 AS text_score
      FROM fused f JOIN rag_chunks c ON c.id = f.id JOIN rag_documents d ON d.id = c.document_id
      ORDER BY f.score DESC, c.document_id, c.ordinal
      LIMIT $2`;
    if (query.mode === 'text' || exact) return (await this.dataSource.query(sql, params)) as RagHitRow[];
    // The beam (ef_search) must cover the candidate LIMIT; a wider one also lifts recall (bench/README.md, "RAG").
    // Iterative scans keep walking the graph while filters reject rows. SET LOCAL needs the transaction.
    const efSearch = Math.max(query.efSearch, query.k * CANDIDATE_FACTOR);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL hnsw.ef_search = ${efSearch}`);
      if (filters.length > 0) await manager.query(`SET LOCAL hnsw.iterative_scan = strict_order`);
      return (await manager.query(sql, params)) as RagHitRow[];
    });
  }

  /** Chunks of the documents a search's filters select (all chunks without filters), from the documents' counts. */
  private async selectedChunks(query: RagSearchQuery): Promise<number> {
    const params: unknown[] = [];
    const filters = documentFilters(query, (value) => `$${params.push(value)}`);
    const where = filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : '';
    const [row] = (await this.dataSource.query(`SELECT coalesce(sum(d.chunk_count), 0)::int AS chunks FROM rag_documents d ${where}`, params)) as {
      chunks: number;
    }[];
    return row.chunks;
  }
}

/** `text` as a LIKE pattern that matches only itself (the escape character is a backslash). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
