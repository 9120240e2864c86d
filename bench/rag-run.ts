// `npm run bench:rag`: the RAG store on the embedded database (PGlite with pgvector, in-process, loopback):
// ingest throughput with the default embedder (HashingEmbedder, 256 dims), HNSW vector search latency at two
// values of hnsw.ef_search, recall@10 against exact brute-force KNN over the same vectors in the same run, and
// the latency of the repository's hybrid search statement. See bench/README.md ("RAG").
//
// Environment: BENCH_RAG_SIZES="10000,100000" (chunks), BENCH_RAG_QUERIES=100, BENCH_RAG_EF="40,100",
// BENCH_RAG_CORPUS="topical,uniform" (which synthetic corpora; `latent` adds 384-dim vectors shaped like a sentence
// embedder's, no texts), BENCH_RAG_INDEX="m = 16, ef_construction = 64" (the HNSW build options; default: the
// server's), BENCH_RAG_EXACT_MAX=10000 (RAG_EXACT_SEARCH_MAX_CHUNKS).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { log, ROOT } from './bench-kit';

const SIZES = (process.env.BENCH_RAG_SIZES ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(process.env.BENCH_RAG_QUERIES ?? 100);
const EF_SEARCH = (process.env.BENCH_RAG_EF ?? '40,100').split(',').map(Number);
const CORPORA = (process.env.BENCH_RAG_CORPUS ?? 'topical,uniform').split(',') as Corpus[];
const INDEX_OPTIONS = process.env.BENCH_RAG_INDEX;
/** RagRepository.search's exact-search threshold (RAG_EXACT_SEARCH_MAX_CHUNKS; the server's default). */
const EXACT_MAX = Number(process.env.BENCH_RAG_EXACT_MAX ?? 10_000);
const K = 10;
const CHUNKS_PER_DOCUMENT = 100;
/** Rows per multi-row INSERT (5 parameters each), as in rag.repository.ts. */
const INSERT_BATCH = 500;
/** Dimension of the `latent` corpus' vectors (all-MiniLM-L6-v2's). */
const LATENT_DIMENSION = 384;

interface Embedder {
  readonly dimension: number;
  embed(texts: readonly string[]): Promise<number[][]>;
}
/** The build's seeded PRNG (src/platform/database/sample-data.ts), set once the modules are loaded. */
let rng: (seed: number) => () => number;

interface Modules {
  EmbeddedPostgres: { start(options: { dataDir: string }): Promise<{ url: string; stop(): Promise<void> }> };
  HashingEmbedder: new () => Embedder;
  createRagSchema(runner: { query(sql: string, params?: unknown[]): Promise<unknown> }): Promise<void>;
  embeddingExpression(dimension: number, alias?: string): string;
  embeddingDimensionPredicate(dimension: number, alias?: string): string;
  embeddingIndexName(dimension: number): string;
  embeddingIndexSql(dimension: number, options?: string): string;
  vectorLiteral(vector: readonly number[]): string;
  seededRandom(seed: number): () => number;
  RagRepository: new (dataSource: unknown) => {
    search(query: { mode: 'hybrid' | 'vector'; text: string; embedding: number[]; k: number; exactSearchMaxChunks: number; efSearch: number }): Promise<{ document_id: string; ordinal: number }[]>;
  };
}

/** A vocabulary of made-up words drawn with a Zipf-like skew (a few frequent words, a long tail). */
function wordSource(random: () => number, size = 6000): () => string {
  const syllables = ['ka', 'lo', 'mi', 'ten', 'ra', 'vos', 'qui', 'ne', 'dor', 'sa', 'pel', 'u', 'tri', 'gan', 'ex', 'bo', 'zu', 'mar'];
  const vocabulary = Array.from({ length: size }, (_, i) => {
    let word = '';
    for (let n = 2 + (i % 3); n > 0; n -= 1) word += syllables[Math.floor(random() * syllables.length)];
    return `${word}${i % 7 === 0 ? i : ''}`;
  });
  return () => vocabulary[Math.floor(size * Math.pow(random(), 2.5))];
}

type Corpus = 'topical' | 'uniform' | 'latent';

/**
 * `count` chunk texts of 60–140 words. `uniform`: every chunk draws from the same skewed vocabulary (no topics:
 * the worst case for an approximate index). `topical`: each document (CHUNKS_PER_DOCUMENT chunks) has a topic of
 * 150 words from the same vocabulary; its chunks draw half their words from the topic, half from the whole
 * vocabulary, as real documents mix subject words with common ones.
 */
function corpus(count: number, kind: Corpus): string[] {
  const random = rng(42);
  const word = wordSource(random);
  let topic: string[] = [];
  return Array.from({ length: count }, (_, i) => {
    if (i % CHUNKS_PER_DOCUMENT === 0) topic = Array.from({ length: 150 }, () => word());
    const pick = (): string => (kind === 'topical' && random() < 0.5 ? topic[Math.floor(random() * topic.length)] : word());
    return Array.from({ length: 60 + Math.floor(random() * 80) }, pick).join(' ');
  });
}

/** Queries: a 8–20 word window of a random chunk with about one word in five replaced. */
function queries(texts: readonly string[]): string[] {
  const random = rng(7);
  const word = wordSource(rng(42));
  return Array.from({ length: QUERIES }, () => {
    const tokens = texts[Math.floor(random() * texts.length)].split(' ');
    const length = 8 + Math.floor(random() * 13);
    const start = Math.floor(random() * Math.max(1, tokens.length - length));
    return tokens
      .slice(start, start + length)
      .map((token) => (random() < 0.2 ? word() : token))
      .join(' ');
  });
}

/** A standard normal draw (Box–Muller). */
const gaussian = (random: () => number): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const normalised = (vector: number[]): number[] => {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};

/**
 * A stand-in for a sentence embedder's vectors (none can run here): points of a 24-dimensional latent space
 * (2,000 topic centres, chunks spread around them) mapped into LATENT_DIMENSION dimensions by a fixed random
 * projection, plus a little isotropic noise, L2-normalised. Real sentence embeddings have such a low intrinsic
 * dimension; the hashing embedder's vectors do not. Queries: a random chunk's latent point moved a little
 * (a paraphrase of it). Answers the chunk vectors and the query vectors.
 */
function latentCorpus(count: number): { chunks: number[][]; queries: number[][] } {
  const random = rng(42);
  const latent = 24;
  const projection = Array.from({ length: LATENT_DIMENSION }, () => Array.from({ length: latent }, () => gaussian(random)));
  const centres = Array.from({ length: 2000 }, () => Array.from({ length: latent }, () => gaussian(random)));
  const embed = (point: number[]): number[] =>
    normalised(projection.map((row) => row.reduce((sum, weight, i) => sum + weight * point[i], 0) + 0.5 * gaussian(random)));
  const points = Array.from({ length: count }, () => centres[Math.floor(random() * centres.length)].map((value) => value + 0.6 * gaussian(random)));
  const queryRandom = rng(7);
  return {
    chunks: points.map(embed),
    queries: Array.from({ length: QUERIES }, () => embed(points[Math.floor(queryRandom() * count)].map((value) => value + 0.3 * gaussian(queryRandom)))),
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Exact top-K by cosine similarity (vectors are L2-normalised, so the dot product) over every chunk. */
function exactKnn(matrix: Float32Array, dimension: number, query: readonly number[]): { kth: number; sims: Float64Array } {
  const count = matrix.length / dimension;
  const best: { id: number; sim: number }[] = [];
  const sims = new Float64Array(count);
  for (let row = 0; row < count; row += 1) {
    let dot = 0;
    const base = row * dimension;
    for (let d = 0; d < dimension; d += 1) dot += matrix[base + d] * query[d];
    sims[row] = dot;
    if (best.length < K || dot > best[best.length - 1].sim) {
      best.push({ id: row + 1, sim: dot });
      best.sort((a, b) => b.sim - a.sim);
      if (best.length > K) best.pop();
    }
  }
  // Similarities of every chunk (id = row + 1), so a returned id tied with the K-th exact neighbour counts as correct.
  return { kth: best[best.length - 1].sim, sims };
}

async function main(): Promise<void> {
  const load = async <T>(...parts: string[]): Promise<T> => (await import(path.join(ROOT, 'dist', ...parts))) as T;
  const modules: Modules = {
    ...(await load<Pick<Modules, 'EmbeddedPostgres'>>('platform', 'database', 'embedded', 'embedded-postgres.js')),
    ...(await load<Pick<Modules, 'HashingEmbedder'>>('tools', 'rag', 'hashing.embedder.js')),
    ...(await load<Pick<Modules, 'createRagSchema'>>('platform', 'database', 'migrations', '1764806400000-rag-store.js')),
    ...(await load<Pick<Modules, 'embeddingExpression' | 'embeddingDimensionPredicate' | 'embeddingIndexName' | 'embeddingIndexSql'>>('tools', 'rag', 'rag-embedding-index.js')),
    ...(await load<Pick<Modules, 'vectorLiteral' | 'RagRepository'>>('tools', 'rag', 'rag.repository.js')),
    ...(await load<Pick<Modules, 'seededRandom'>>('platform', 'database', 'sample-data.js')),
  };
  rng = modules.seededRandom;
  const embedder = new modules.HashingEmbedder();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rag-'));
  const started = Date.now();
  const database = await modules.EmbeddedPostgres.start({ dataDir: path.join(dir, 'pgdata') });
  const client = new Client({ connectionString: database.url });
  await client.connect();
  const query = async <R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]> => (await client.query(sql, params)).rows as R[];
  // What RagRepository.search uses of TypeORM's DataSource: query() and a transaction on one connection.
  const repository = new modules.RagRepository({
    query,
    transaction: async <T>(work: (manager: { query: typeof query }) => Promise<T>): Promise<T> => {
      await query('BEGIN');
      try {
        const result = await work({ query });
        await query('COMMIT');
        return result;
      } catch (error) {
        await query('ROLLBACK');
        throw error;
      }
    },
  });
  const rows: string[] = [];
  const notes: string[] = [];
  try {
    await query('CREATE EXTENSION IF NOT EXISTS vector');
    // Load first, build the HNSW index after (the GIN full-text index stays, as in production ingest).
    await modules.createRagSchema({ query });
    await query(`SET maintenance_work_mem = '${process.env.BENCH_RAG_MWM ?? '512MB'}'`);
    for (const [kind, size] of CORPORA.flatMap((kind) => SIZES.map((size) => [kind, size] as const))) {
      await query('TRUNCATE rag_chunks, rag_documents RESTART IDENTITY');
      const latent = kind === 'latent' ? latentCorpus(size) : undefined;
      const dimension = latent ? LATENT_DIMENSION : embedder.dimension;
      const indexName = modules.embeddingIndexName(dimension);
      await query(`DROP INDEX IF EXISTS ${indexName}`);
      const vectorSql = `SELECT c.id FROM rag_chunks c WHERE ${modules.embeddingDimensionPredicate(dimension, 'c')}
        ORDER BY ${modules.embeddingExpression(dimension, 'c')} <=> $1::vector(${dimension}) LIMIT ${K}`;
      const texts = latent ? latent.chunks.map((_, i) => `chunk ${i}`) : corpus(size, kind);
      const matrix = new Float32Array(size * dimension);
      const documentIndex = new Map<string, number>();

      // Ingest: embed + parameterized multi-row INSERTs, one document row per CHUNKS_PER_DOCUMENT chunks.
      let t0 = performance.now();
      for (let doc = 0; doc * CHUNKS_PER_DOCUMENT < size; doc += 1) {
        const slice = texts.slice(doc * CHUNKS_PER_DOCUMENT, (doc + 1) * CHUNKS_PER_DOCUMENT);
        const vectors = latent ? latent.chunks.slice(doc * CHUNKS_PER_DOCUMENT, (doc + 1) * CHUNKS_PER_DOCUMENT) : await embedder.embed(slice);
        vectors.forEach((vector, i) => matrix.set(vector, (doc * CHUNKS_PER_DOCUMENT + i) * dimension));
        const [document] = await query<{ id: string }>(
          `INSERT INTO rag_documents (source, title, content, content_sha256, embedder, dim, chunk_count)
           VALUES ($1, $2, '', 'bench', $3, $4, $5) RETURNING id`,
          [`bench://${doc}`, `doc ${doc}`, latent ? 'latent' : 'hashing', dimension, slice.length],
        );
        documentIndex.set(document.id, doc);
        for (let offset = 0; offset < slice.length; offset += INSERT_BATCH) {
          const params: unknown[] = [document.id];
          const values = slice.slice(offset, offset + INSERT_BATCH).map((text, i) => {
            params.push(offset + i, null, text, modules.vectorLiteral(vectors[offset + i]));
            const base = 1 + i * 4;
            return `($1, $${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}::vector)`;
          });
          await query(`INSERT INTO rag_chunks (document_id, ordinal, heading, text, embedding) VALUES ${values.join(', ')}`, params);
        }
      }
      const ingestSeconds = (performance.now() - t0) / 1000;
      const [{ max }] = await query<{ max: string }>('SELECT max(id) AS max FROM rag_chunks');
      if (Number(max) !== size) throw new Error(`expected ids 1..${size}, max id is ${max}`);
      log('rag', `${kind} ${size}: ingested in ${ingestSeconds.toFixed(1)} s`);

      t0 = performance.now();
      await query(modules.embeddingIndexSql(dimension, INDEX_OPTIONS));
      const buildSeconds = (performance.now() - t0) / 1000;
      await query('ANALYZE rag_chunks');
      log('rag', `${kind} ${size}: HNSW built in ${buildSeconds.toFixed(1)} s`);

      const questions = latent ? latent.queries.map((_, i) => `query ${i}`) : queries(texts);
      const embeddings = latent ? latent.queries : await embedder.embed(questions);
      const literals = embeddings.map((vector) => modules.vectorLiteral(vector));
      t0 = performance.now();
      const exact = embeddings.map((vector) => exactKnn(matrix, dimension, vector));
      log('rag', `${kind} ${size}: exact KNN (JS) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      const plan = (await query<{ 'QUERY PLAN': string }>(`EXPLAIN ${vectorSql.replace('$1', `'${literals[0]}'`)}`)).map((row) => row['QUERY PLAN']).join(' | ');
      if (!plan.includes(indexName)) throw new Error(`vector search does not use the HNSW index: ${plan}`);

      const ingest = Math.round(size / ingestSeconds);
      for (const ef of EF_SEARCH) {
        await query(`SET hnsw.ef_search = ${ef}`);
        for (let i = 0; i < 5; i += 1) await query(vectorSql, [literals[i]]); // warm-up
        const latencies: number[] = [];
        let found = 0;
        for (let i = 0; i < QUERIES; i += 1) {
          const s = performance.now();
          const hits = await query<{ id: string }>(vectorSql, [literals[i]]);
          latencies.push(performance.now() - s);
          const truth = exact[i];
          found += hits.filter((hit) => truth.sims[Number(hit.id) - 1] >= truth.kth - 1e-6).length;
        }
        latencies.sort((a, b) => a - b);
        const recall = found / (QUERIES * K);
        rows.push(`| ${kind} | ${size} | vector | ${ingest} | ${buildSeconds.toFixed(1)} | ${ef} | ${percentile(latencies, 0.5).toFixed(2)} | ${percentile(latencies, 0.99).toFixed(2)} | ${recall.toFixed(3)} |`);
        log('rag', rows[rows.length - 1]);
      }

      // Exact KNN in the database (sequential scan, what an index-less store would do): latency only, recall 1.
      await query('SET enable_indexscan = off');
      const exactLatencies: number[] = [];
      for (let i = 0; i < Math.min(QUERIES, 20); i += 1) {
        const s = performance.now();
        await query(vectorSql, [literals[i]]);
        exactLatencies.push(performance.now() - s);
      }
      await query('RESET enable_indexscan');
      exactLatencies.sort((a, b) => a - b);
      rows.push(`| ${kind} | ${size} | exact (no index) | | | | ${percentile(exactLatencies, 0.5).toFixed(2)} | ${percentile(exactLatencies, 0.99).toFixed(2)} | 1 |`);
      log('rag', rows[rows.length - 1]);

      // The production path, RagRepository.search: exact below EXACT_MAX selected chunks, else HNSW at its ef_search.
      await query('RESET hnsw.ef_search');
      for (const mode of latent ? (['vector'] as const) : (['vector', 'hybrid'] as const)) {
        const latencies: number[] = [];
        let found = 0;
        for (let i = 0; i < QUERIES; i += 1) {
          const s = performance.now();
          const hits = await repository.search({ mode, text: questions[i], embedding: embeddings[i], k: K, exactSearchMaxChunks: EXACT_MAX, efSearch: 200 });
          latencies.push(performance.now() - s);
          const truth = exact[i];
          found += hits.filter((hit) => truth.sims[(documentIndex.get(hit.document_id) ?? 0) * CHUNKS_PER_DOCUMENT + hit.ordinal] >= truth.kth - 1e-6).length;
        }
        latencies.sort((a, b) => a - b);
        const path = size <= EXACT_MAX ? 'exact' : 'HNSW';
        const recall = mode === 'vector' ? (found / (QUERIES * K)).toFixed(3) : 'n/a';
        rows.push(`| ${kind} | ${size} | ${mode} (RagRepository.search, ${path}) | | | ${path === 'HNSW' ? '200+' : ''} | ${percentile(latencies, 0.5).toFixed(2)} | ${percentile(latencies, 0.99).toFixed(2)} | ${recall} |`);
        log('rag', rows[rows.length - 1]);
      }
      notes.push(`${kind} ${size}: ${plan.replace(/'\[[^\]]*\]'/g, "'[...]'").replace(/\s+/g, ' ')}`);
    }
  } finally {
    await client.end();
    await database.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(
    [
      `RAG store on the embedded database, ${QUERIES} queries per row, k=${K}, embedder hashing (${embedder.dimension} dims; ` +
        `the latent corpus: ${LATENT_DIMENSION}-dim vectors, no embedder); total ${Math.round((Date.now() - started) / 1000)} s.`,
      '',
      `HNSW options: ${INDEX_OPTIONS ?? 'the server\'s (pgvector defaults: m = 16, ef_construction = 64)'}.`,
      '',
      '| corpus | chunks | search | ingest chunks/s | index build s | ef_search | p50 ms | p99 ms | recall@10 |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'Targets: p99 < 30 ms at 100k chunks, recall@10 >= 0.95.',
      ...notes.map((note) => `EXPLAIN ${note}`),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:rag failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
