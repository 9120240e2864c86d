import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../factories/api-key.factory';
import { freePort } from '../support/free-port';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { waitFor } from '../support/wait';

/** Chunks of one character-bounded paragraph each (RAG_CHUNK_SIZE=100, no overlap). */
const PARAGRAPHS_PER_VERSION = 2_000;
/** When, after the replacing ingest is sent, the server is killed: early, and well into the write. */
const KILL_AFTER_MS = [300, 2_000];

interface StoredDocument {
  readonly id: string;
  readonly chunks: number;
  readonly content_sha256: string;
}

interface Version {
  readonly marker: string;
  readonly text: string;
}

/** Every paragraph (and so every chunk) carries the version's marker, so a mix of versions shows. */
function version(n: number, paragraphs: number): Version {
  const marker = `[v${n}]`;
  const text = Array.from({ length: paragraphs }, (_, i) => `${marker} Paragraph ${i} of version ${n}: ingestion stays atomic across crashes.`).join('\n\n');
  return { marker, text };
}

/**
 * Kills the server (SIGKILL) in the middle of `rag_ingest` replacing a document, restarts it on the same
 * embedded data directory, and checks the document is entirely the old version or entirely the new one:
 * one document for the source, its chunk count and content hash those of one version, and every stored
 * chunk of it from that version. Runs the built server (`dist/main.js`) with the embedded database.
 */
describe('RAG ingest killed midway (embedded database, real process)', () => {
  const key = createApiKey();
  let dir: string;
  let server: ServerProcess | undefined;
  let url: string;

  async function call(tool: string, args: unknown, timeoutMs = 10_000): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${url}/v1/tools/${tool}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function start(): Promise<void> {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const started = startServerProcess(
      {
        DB_DATA_DIR: join(dir, 'pglite'),
        ENABLE_RAG: 'true',
        DB_SEED_SAMPLE_DATA: 'false',
        API_KEY_PRIMARY: key,
        PORT: String(port),
        RATE_LIMIT_RPM: '100000',
        RAG_CHUNK_SIZE: '100',
        RAG_CHUNK_OVERLAP: '0',
        LOG_LEVEL: 'warn',
      },
      dir,
    );
    server = started;
    await waitFor(
      async () => {
        if (started.child.exitCode !== null) throw new Error(`server exited ${started.child.exitCode}: ${started.stdout()}${started.stderr()}`);
        try {
          return (await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_000) })).status === 200;
        } catch {
          return false;
        }
      },
      30_000,
      'the server to be ready',
    );
  }

  async function kill(): Promise<void> {
    const running = server;
    server = undefined;
    if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
    running.child.kill('SIGKILL');
    await running.exited;
  }

  /** The one document of source doc-a, checked against its stored chunks. */
  async function storedDocA(): Promise<StoredDocument & { marker: string }> {
    const list = await call('rag_list_documents', { source: 'doc-a' });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const [document] = list.body.documents as StoredDocument[];
    const chunks = await call('sql_query', {
      sql:
        'SELECT count(*)::int AS chunks, count(DISTINCT substring(c.text FROM $2))::int AS versions, min(substring(c.text FROM $2)) AS marker ' +
        'FROM rag_chunks c JOIN rag_documents d ON d.id = c.document_id WHERE d.source = $1',
      params: ['doc-a', '\\[v[0-9]+\\]'],
    });
    expect(chunks.status).toBe(200);
    const [row] = chunks.body.rows as { chunks: number; versions: number; marker: string }[];
    expect(row).toMatchObject({ chunks: document.chunks, versions: 1 });
    return { ...document, marker: row.marker };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'fault-rag-'));
  });

  afterAll(async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the document fully old or fully new whenever the server dies during a replacing ingest', async () => {
    await start();
    const v1 = version(1, 20);
    const first = await call('rag_ingest', { documents: [{ source: 'doc-a', text: v1.text }] });
    expect(first.body).toMatchObject({ documents: [{ source: 'doc-a', status: 'created', chunks: 20 }] });
    let committed = await storedDocA();
    expect(committed).toMatchObject({ chunks: 20, marker: v1.marker });
    const seen = new Set<string>();

    for (const [round, delayMs] of KILL_AFTER_MS.entries()) {
      const next = version(round + 2, PARAGRAPHS_PER_VERSION);
      const ingest = call('rag_ingest', { documents: [{ source: 'doc-a', text: next.text }] }, 60_000).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await kill();
      await ingest;

      await start();
      const after = await storedDocA();
      expect(after.id).toBe(committed.id);
      if (after.marker === next.marker) {
        expect(after.chunks).toBe(PARAGRAPHS_PER_VERSION);
        seen.add('new');
      } else {
        expect({ chunks: after.chunks, content_sha256: after.content_sha256, marker: after.marker }).toEqual({
          chunks: committed.chunks,
          content_sha256: committed.content_sha256,
          marker: committed.marker,
        });
        seen.add('old');
      }
      committed = after;
    }

    expect(seen.has('old')).toBe(true);
    const search = await call('rag_search', { query: 'ingestion atomic', mode: 'text', k: 10, filter: { source: 'doc-a' } });
    expect(search.status).toBe(200);
    const hits = search.body.results as { text: string; document_id: string }[];
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((hit) => hit.document_id === committed.id && hit.text.startsWith(committed.marker))).toBe(true);
  }, 60_000);
});
