import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { encodeResourceCursor } from '../../src/platform/mcp/resource-cursor';
import { ResourceRegistry } from '../../src/platform/mcp/resource.registry';
import { HashingEmbedder } from '../../src/tools/rag/hashing.embedder';
import { RagModule } from '../../src/tools/rag/rag.module';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { createTestApp, TestApp } from '../support/test-app';

type CallResult = Awaited<ReturnType<McpTestKit['client']['callTool']>>;

const GUIDE = `# Deploying

Point the readiness probe at /health/ready and the liveness probe at /health/live.`;
const NOTES = 'Plain notes about sourdough starters and flour hydration.';

const root = mkdtempSync(join(tmpdir(), 'rag-resources-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('RAG documents as MCP resources (embedded PostgreSQL, 2025-era client)', () => {
  let kit: McpTestKit;
  let ids: string[];

  beforeAll(async () => {
    kit = await createMcpTestKit({
      imports: [DatabaseModule, RagModule.register({ embedder: new HashingEmbedder(), settings: { seedCorpus: false } })],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'pglite') },
    });
    const ingested = await kit.client.callTool({
      name: 'rag_ingest',
      arguments: { documents: [{ text: GUIDE, title: 'Deploy guide', source: 'ops/deploy.md' }, { text: NOTES, source: 'home/notes.txt' }] },
    });
    expect(ingested.isError).toBeFalsy();
    ids = (ingested.structuredContent as { documents: { id: string }[] }).documents.map((d) => d.id);
  }, 90_000);
  afterAll(() => kit?.close());

  it('advertises the resources capability next to tools', () => {
    expect(kit.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
  });

  it('lists the document template', async () => {
    const { resourceTemplates } = await kit.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'rag://documents/{id}', name: 'rag_document', mimeType: 'text/markdown' }),
    ]);
  });

  it('lists the documents', async () => {
    const { resources } = await kit.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(ids.map((id) => `rag://documents/${id}`).sort());
    expect(resources.find((r) => r.uri === `rag://documents/${ids[0]}`)).toMatchObject({ name: 'Deploy guide', title: 'Deploy guide', mimeType: 'text/markdown' });
    expect(resources.find((r) => r.uri === `rag://documents/${ids[1]}`)).toMatchObject({ name: 'home/notes.txt' });
  });

  it('reads a document: title heading, then its text', async () => {
    const uri = `rag://documents/${ids[0]}`;
    const { contents } = await kit.client.readResource({ uri });
    expect(contents).toEqual([{ uri, mimeType: 'text/markdown', text: `# Deploy guide\n\n${GUIDE}` }]);
    const untitled = await kit.client.readResource({ uri: `rag://documents/${ids[1]}` });
    expect(untitled.contents[0]).toMatchObject({ text: NOTES });
    const line = kit.logs.entries().find((l) => l.msg === 'resource read' && l.uri === uri);
    expect(line).toMatchObject({ audit: true, key_id: 'primary', outcome: 'ok' });
    expect(JSON.stringify(line)).not.toContain('readiness probe');
  });

  it('answers a protocol error for an unknown document, a non-uuid id and a foreign URI', async () => {
    for (const uri of ['rag://documents/00000000-0000-4000-8000-000000000000', 'rag://documents/nope', 'rag://other/x', 'rag://documents/a/b']) {
      await expect(kit.client.readResource({ uri })).rejects.toMatchObject({ code: -32602 });
    }
    expect(kit.logs.entries().find((l) => l.msg === 'resource read' && l.uri === 'rag://documents/nope')).toMatchObject({ outcome: 'not_found' });
  });

  it('links rag_search hits to their documents with resource_link content (not in structuredContent)', async () => {
    const result: CallResult = await kit.client.callTool({ name: 'rag_search', arguments: { query: 'readiness probe', k: 5 } });
    expect(result.isError).toBeFalsy();
    const content = result.content as { type: string; uri?: string; name?: string; text?: string }[];
    expect(content[0].type).toBe('text');
    const links = content.filter((c) => c.type === 'resource_link');
    expect(links[0]).toEqual({ type: 'resource_link', uri: `rag://documents/${ids[0]}`, name: 'Deploy guide', mimeType: 'text/markdown' });
    expect(new Set(links.map((l) => l.uri)).size).toBe(links.length);
    expect(result.structuredContent).not.toHaveProperty('links');
    expect(JSON.parse(content[0].text ?? '')).toEqual(result.structuredContent);
  });

  it('pages resources/list with cursors: every document once, newest first, 100 a page; a forged cursor is -32602', async () => {
    for (let batch = 0; batch < 4; batch += 1) {
      const documents = Array.from({ length: 50 }, (_, i) => ({ text: `Paging note ${batch * 50 + i}.`, source: `paging/${batch * 50 + i}` }));
      expect((await kit.client.callTool({ name: 'rag_ingest', arguments: { documents } })).isError).toBeFalsy();
    }
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await kit.client.listResources(cursor === undefined ? {} : { cursor });
      pages.push(page.resources.map((r) => r.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages.length < 10);
    expect(pages.map((page) => page.length)).toEqual([100, 100, 2]);
    const names = pages.flat();
    expect(new Set(names).size).toBe(202);
    expect(names.slice(0, 2)).toEqual(['paging/199', 'paging/198']);
    expect(names.slice(-2)).toEqual(['home/notes.txt', 'Deploy guide']);
    await expect(kit.client.listResources({ cursor: 'forged' })).rejects.toMatchObject({ code: -32602 });
    const inner = Buffer.from(JSON.stringify([0, Buffer.from("2026-01-01 00:00:00+00|'; DROP TABLE rag_documents; --").toString('base64url')])).toString('base64url');
    await expect(kit.client.listResources({ cursor: inner })).rejects.toMatchObject({ code: -32602 });
  }, 60_000);
});

describe('a server without resource templates', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [FixtureToolsModule] });
  });
  afterAll(() => kit?.close());

  it('advertises no resources capability and still serves tools', async () => {
    const capabilities = kit.client.getServerCapabilities();
    expect(capabilities?.tools).toBeDefined();
    expect(capabilities?.resources).toBeUndefined();
    expect((await kit.client.listTools()).tools.length).toBeGreaterThan(0);
    await expect(kit.client.listResources()).rejects.toThrow();
  });
});

describe('resources over HTTP with the 2026-era client', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ ENABLE_RAG: 'false' });
    // Registered after boot: each /mcp request builds its server from the registry as it is then.
    t.app.get(ResourceRegistry).register({
      uriTemplate: 'memo://notes/{name}',
      name: 'memo',
      description: 'A test memo',
      mimeType: 'text/plain',
      scopes: ['memo:read'],
      list: async () => ({ resources: [{ uri: 'memo://notes/hello%20world', name: 'hello world' }] }),
      read: async (_uri, match) => (match.name === 'hello world' ? { text: 'hi there', mimeType: 'text/plain' } : undefined),
    });
  });
  afterAll(() => t?.close());

  it('lists templates and resources, reads one, and misses with -32602', async () => {
    const client = new ClientV2({ name: 'e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${t.primaryKey}` } } }));
    try {
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual(['memo://notes/{name}']);
      expect((await client.listResources()).resources).toEqual([{ uri: 'memo://notes/hello%20world', name: 'hello world' }]);
      const read = await client.readResource({ uri: 'memo://notes/hello%20world' });
      expect(read.contents).toEqual([{ uri: 'memo://notes/hello%20world', mimeType: 'text/plain', text: 'hi there' }]);
      await expect(client.readResource({ uri: 'memo://notes/other' })).rejects.toMatchObject({ code: -32602 });
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('pages across templates, and a failing list is a generic -32603 that names the request, not the cause', async () => {
    t.app.get(ResourceRegistry).register({
      uriTemplate: 'boom://items/{id}',
      name: 'boom',
      description: 'A template whose listing fails',
      mimeType: 'text/plain',
      list: async () => {
        throw new Error('password authentication failed for user "secret"');
      },
      read: async () => undefined,
    });
    const client = new ClientV2({ name: 'e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${t.primaryKey}` } } }));
    try {
      // Explicit cursors: the v2 client's cursor-less listResources() walks every page by itself.
      const first = await client.listResources({ cursor: encodeResourceCursor({ template: 0 }) });
      expect(first.resources.map((r) => r.name)).toEqual(['hello world']);
      expect(first.nextCursor).toEqual(encodeResourceCursor({ template: 1 }));
      for (const walk of [client.listResources({ cursor: first.nextCursor }), client.listResources()]) {
        const failure = await walk.then(
          () => undefined,
          (error: unknown) => error as { code: number; message: string },
        );
        expect(failure?.code).toBe(-32603);
        expect(failure?.message).toMatch(/Listing resources failed \(request [\w-]+\)/);
        expect(failure?.message).not.toContain('secret');
      }
    } finally {
      await client.close();
    }
  });
});
