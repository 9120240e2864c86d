import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { runKeysCli } from '../../src/platform/auth/keys.cli';
import { bootFailureMessage } from '../../src/platform/lifecycle/boot-failure';
import { ResourceRegistry } from '../../src/platform/mcp/resource.registry';
import { ToolRegistry } from '../../src/platform/mcp/tool.registry';
import { createApiKey, createRedisPrefix } from '../factories/api-key.factory';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { TEST_REDIS_URL } from '../support/redis-server';
import { exitCodeWithin, ListeningServer, startListeningServer, startServerProcess, stopServer } from '../support/server-process';
import { bearer, createTestApp, TestApp } from '../support/test-app';
import { TEST_DB_URL } from '../support/test-database';
import { errorOf } from '../support/tool-results';
import { waitFor } from '../support/wait';

const MODERN = '2026-07-28';
const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex');

/** `npm run keys -- create …` in process: answers the key it printed. */
function createKeyWithCli(file: string, id: string, scopes: string, ...more: string[]): string {
  let out = '';
  let err = '';
  const code = runKeysCli(['create', '--id', id, '--scopes', scopes, '--append', file, ...more], (text) => (out += text), (text) => (err += text));
  if (code !== 0) throw new Error(err);
  return out.trim();
}

type AnyClient = ClientV1 | ClientV2;
const eras: [string, (url: string, key: string) => Promise<AnyClient>][] = [
  [
    '2025-11-25 (v1 SDK client)',
    async (url, key) => {
      const client = new ClientV1({ name: 'keys-v1', version: '1.0.0' });
      await client.connect(new TransportV1(new URL(`${url}/mcp`), { requestInit: { headers: bearer(key) } }));
      return client;
    },
  ],
  [
    `${MODERN} (v2 SDK client)`,
    async (url, key) => {
      const client = new ClientV2({ name: 'keys-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
      await client.connect(new TransportV2(new URL(`${url}/mcp`), { requestInit: { headers: bearer(key) } }));
      return client;
    },
  ],
];

describe('keys and scopes: a holder of a valid key reaches only what its scopes allow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-hostile-'));
  const file = join(dir, 'keys.yaml');
  let t: TestApp;
  let sqlKey: string;
  let limitedKey: string;
  const expiredKey = createApiKey();
  const disabledKey = createApiKey();
  const noScopeKey = createApiKey();

  /** The server still answers another caller: an echo over REST within the test's timeout. */
  async function expectEchoAnswered(key = t.primaryKey): Promise<void> {
    const res = await t.http.post('/v1/tools/echo').set(bearer(key)).send({ text: 'still here' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ text: 'still here' });
  }

  beforeAll(async () => {
    writeFileSync(
      file,
      [
        '# keys of the hostile-caller suite',
        'keys:',
        `  - { id: expired-bot, sha256: ${sha256(expiredKey)}, scopes: ['*'], expires_at: 2026-01-01T00:00:00Z }`,
        `  - { id: disabled-bot, sha256: ${sha256(disabledKey)}, scopes: ['*'], disabled: true }`,
        `  - { id: no-scope-bot, sha256: ${sha256(noScopeKey)}, scopes: [] }`,
        '',
      ].join('\n'),
    );
    sqlKey = createKeyWithCli(file, 'reporting-bot', 'sql:read');
    limitedKey = createKeyWithCli(file, 'limited-bot', 'sql:read', '--rate-limit-rpm', '3');
    t = await createTestApp(
      { API_KEYS_FILE: file, API_KEYS_POLL_SECONDS: '1', ENABLE_RAG: 'false', RATE_LIMIT_RPM: '1000' },
      { imports: [FixtureToolsModule] },
    );
    // Registered after boot: each /mcp request builds its server from the registry as it is then.
    t.app.get(ResourceRegistry).register({
      uriTemplate: 'memo://notes/{name}',
      name: 'memo',
      description: 'A memo only sql:read holders may see',
      mimeType: 'text/plain',
      scopes: ['sql:read'],
      list: async () => ({ resources: [{ uri: 'memo://notes/hello', name: 'hello' }] }),
      read: async () => ({ text: 'hi', mimeType: 'text/plain' }),
    });
  });
  afterAll(() => t.close());

  it('gives SQL tools (built-in and declared) sql:read by family, echo none, an explicit scope its own', () => {
    const scopes = new Map(t.app.get(ToolRegistry).list().map((tool) => [tool.definition.name, tool.scopes]));
    expect(scopes.get('get_top_customers')).toEqual(['sql:read']);
    expect(scopes.get('sql_query')).toEqual(['sql:read']);
    expect(scopes.get('echo')).toEqual([]);
    expect(scopes.get('fixture_admin')).toEqual(['admin']);
  });

  describe.each(eras)('MCP %s', (_era, connect) => {
    it('lists only the tools of the key\'s scopes and answers forbidden for one outside them', async () => {
      const client = await connect(t.url, sqlKey);
      try {
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        const allowed = t.app.get(ToolRegistry).list().filter((tool) => tool.scopes.every((scope) => scope === 'sql:read'));
        expect(names).toEqual(allowed.map((tool) => tool.definition.name));
        expect(names).toEqual(expect.arrayContaining(['echo', 'get_top_customers', 'sql_query']));
        expect(names).not.toContain('fixture_admin');

        const forbidden = await client.callTool({ name: 'fixture_admin', arguments: {} });
        expect(forbidden.isError).toBe(true);
        expect(errorOf(forbidden)).toMatchObject({ status: 'forbidden', error: 'The caller lacks the scope(s): admin' });
        const allowedCall = await client.callTool({ name: 'get_top_customers', arguments: { limit: 1 } });
        expect(allowedCall.isError).toBeFalsy();
      } finally {
        await client.close();
      }
      const admin = await connect(t.url, t.primaryKey);
      try {
        expect((await admin.listTools()).tools.map((tool) => tool.name)).toContain('fixture_admin');
      } finally {
        await admin.close();
      }
    });

    it('lists resource templates and resources only to a key holding their scopes', async () => {
      const allowed = await connect(t.url, sqlKey);
      try {
        expect((await allowed.listResourceTemplates()).resourceTemplates.map((r) => r.uriTemplate)).toEqual(['memo://notes/{name}']);
        expect((await allowed.listResources()).resources.map((r) => r.uri)).toEqual(['memo://notes/hello']);
      } finally {
        await allowed.close();
      }
      const denied = await connect(t.url, noScopeKey);
      try {
        expect((await denied.listResourceTemplates()).resourceTemplates).toEqual([]);
        expect((await denied.listResources()).resources).toEqual([]);
        await expect(denied.readResource({ uri: 'memo://notes/hello' })).rejects.toThrow('The caller lacks the scope(s): sql:read');
      } finally {
        await denied.close();
      }
    });

    it('shows a key with no scopes only the tools that need none', async () => {
      const client = await connect(t.url, noScopeKey);
      try {
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        expect(names).toContain('echo');
        expect(names.filter((name) => name === 'fixture_admin' || name.includes('sql') || name.includes('customer'))).toEqual([]);
        expect(errorOf(await client.callTool({ name: 'sql_query', arguments: { sql: 'SELECT 1' } }))).toMatchObject({ status: 'forbidden' });
      } finally {
        await client.close();
      }
    });
  });

  it('REST facade: GET /v1/tools filtered, a call outside the scopes 403, /docs-json filtered with a key and whole without', async () => {
    const list = await t.http.get('/v1/tools').set(bearer(sqlKey)).expect(200);
    const names = (list.body.tools as { name: string }[]).map((tool) => tool.name);
    expect(names).toContain('sql_query');
    expect(names).not.toContain('fixture_admin');

    const forbidden = await t.http.post('/v1/tools/fixture_admin').set(bearer(sqlKey)).send({});
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ status: 'forbidden', error: 'The caller lacks the scope(s): admin' });

    const operations = (doc: { paths: Record<string, unknown> }): string[] => Object.keys(doc.paths).filter((path) => path.startsWith('/v1/tools/'));
    const withKey = await t.http.get('/docs-json').set(bearer(sqlKey)).expect(200);
    expect(operations(withKey.body)).toContain('/v1/tools/sql_query');
    expect(operations(withKey.body)).not.toContain('/v1/tools/fixture_admin');
    const anonymous = await t.http.get('/docs-json').expect(200);
    expect(operations(anonymous.body)).toContain('/v1/tools/fixture_admin');
    const badKey = await t.http.get('/docs-json').set(bearer(expiredKey)).expect(200);
    expect(operations(badKey.body)).toEqual(operations(anonymous.body));
    await expectEchoAnswered(sqlKey);
  });

  it('refuses expired and disabled keys with 401, logging the reason and the key id, never the key', async () => {
    for (const [key, reason, id] of [
      [expiredKey, 'expired_key', 'expired-bot'],
      [disabledKey, 'disabled_key', 'disabled-bot'],
    ] as const) {
      await t.http.get('/v1/tools').set(bearer(key)).expect(401);
      expect(t.logs.entries()).toContainEqual(expect.objectContaining({ msg: 'API key rejected', reason, key_id: id }));
      expect(t.logs.text).not.toContain(key);
    }
    await expectEchoAnswered();
  });

  it('holds each key to its own rate_limit_rpm, independently of the others', async () => {
    for (let i = 0; i < 3; i += 1) await t.http.get('/v1/tools').set(bearer(limitedKey)).expect(200);
    const limited = await t.http.get('/v1/tools').set(bearer(limitedKey));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await expectEchoAnswered(sqlKey);
  });

  it('uses the key id in metrics and audit lines', async () => {
    await t.http.post('/v1/tools/echo').set(bearer(sqlKey)).send({ text: 'audit me' }).expect(200);
    const metrics = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
    expect(metrics.text).toMatch(/mcp_tool_calls_total\{[^}]*key_id="reporting-bot"[^}]*\} \d+/);
    expect(metrics.text).toMatch(/rate_limit_rejections_total\{key_id="limited-bot"\} \d+/);
    expect(t.logs.entries()).toContainEqual(expect.objectContaining({ audit: true, tool: 'echo', key_id: 'reporting-bot' }));
  });

  it('reloads the file on change without dropping a request, keeps the old keys on an invalid version, and reloads on SIGHUP', async () => {
    const original = readFileSync(file, 'utf8');
    // Requests keep flowing while the file is rewritten: none may fail.
    let flowing = true;
    const traffic = (async (): Promise<number[]> => {
      const statuses: number[] = [];
      while (flowing) statuses.push((await t.http.post('/v1/tools/echo').set(bearer(sqlKey)).send({ text: 'x' })).status);
      return statuses;
    })();

    let statuses: number[];
    try {
      const newKey = createKeyWithCli(file, 'new-bot', 'admin');
      await waitFor(async () => (await t.http.get('/v1/tools').set(bearer(newKey))).status === 200, 10_000, 'the new key to be accepted');
      const names = (await t.http.get('/v1/tools').set(bearer(newKey)).expect(200)).body.tools.map((tool: { name: string }) => tool.name);
      expect(names).toContain('fixture_admin');
      expect(names).not.toContain('sql_query');

      writeFileSync(file, 'keys: [ { id: BROKEN');
      await waitFor(() => t.logs.text.includes('API keys file is invalid: the keys in force stay'), 10_000, 'the invalid version to be logged');
      await t.http.get('/v1/tools').set(bearer(newKey)).expect(200);

      writeFileSync(file, original);
      await waitFor(async () => (await t.http.get('/v1/tools').set(bearer(newKey))).status === 401, 10_000, 'the removed key to be refused');
    } finally {
      flowing = false;
      statuses = await traffic;
    }
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);

    const before = t.logs.entries().filter((line) => line.trigger === 'SIGHUP').length;
    // Inside jest, `process` is the sandbox's: emit the signal's event where the server listens for it.
    process.emit('SIGHUP', 'SIGHUP');
    await waitFor(() => t.logs.entries().filter((line) => line.trigger === 'SIGHUP' && line.msg === 'API keys file reloaded').length > before, 10_000, 'the SIGHUP reload');
    await expectEchoAnswered(sqlKey);
  }, 60_000);

  it('stops the boot on an invalid file, listing every problem', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `keys:\n  - { id: Bad, sha256: ${sha256('k')}, scopes: [sql:read] }\n  - { id: ok, sha256: short, scopes: [sql:read], rate_limit_rpm: -1 }\n`);
    const failure: unknown = await createTestApp({ API_KEYS_FILE: bad, ENABLE_RAG: 'false' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(bootFailureMessage(failure)).toBe(
      [
        'Startup failed: API_KEYS_FILE is invalid. Fix every problem, or unset API_KEYS_FILE:',
        '  - keys[0].id: must match [a-z0-9-]{1,64}',
        '  - keys[1].sha256: must be the hex SHA-256 of the key (64 hex digits)',
        '  - keys[1].rate_limit_rpm: must be an integer from 1 to 1000000',
      ].join('\n'),
    );
    await expectEchoAnswered();
  });
});

describe('/docs-json is no way around the failed-authentication limit', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'keys-docs-')), 'keys.yaml');
  let t: TestApp;
  let sqlKey: string;

  beforeAll(async () => {
    writeFileSync(file, 'keys: []\n');
    sqlKey = createKeyWithCli(file, 'docs-bot', 'sql:read');
    t = await createTestApp({ API_KEYS_FILE: file, ENABLE_RAG: 'false', AUTH_FAILURES_PER_MINUTE: '3' }, { imports: [FixtureToolsModule] });
  });
  afterAll(() => t?.close());

  it('counts refused credentials there, and a blocked address is no longer told whether a key is valid', async () => {
    const admin = (res: { body: { paths: Record<string, unknown> } }): boolean => '/v1/tools/fixture_admin' in res.body.paths;
    expect(admin(await t.http.get('/docs-json').set(bearer(sqlKey)).expect(200))).toBe(false);
    for (let i = 0; i < 4; i += 1) await t.http.get('/docs-json').set(bearer(createApiKey())).expect(200);
    // Blocked: the valid key now gets the anonymous document, and the guard answers 429 to a wrong key.
    expect(admin(await t.http.get('/docs-json').set(bearer(sqlKey)).expect(200))).toBe(true);
    expect((await t.http.get('/v1/tools').set(bearer(createApiKey()))).status).toBe(429);
    // A valid key is still served on the routes behind the guard.
    expect((await t.http.post('/v1/tools/echo').set(bearer(sqlKey)).send({ text: 'still here' })).status).toBe(200);
  });
});

describe('a key\'s rate_limit_rpm across replicas sharing Redis', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'keys-redis-')), 'keys.yaml');
  const apps: TestApp[] = [];
  afterAll(() => Promise.all(apps.map((app) => app.close())));

  it('counts one budget per key for every replica, and other keys keep theirs', async () => {
    const limited = createKeyWithCli(file, 'limited-bot', 'sql:read', '--rate-limit-rpm', '3');
    const other = createKeyWithCli(file, 'other-bot', 'sql:read');
    const env = { API_KEYS_FILE: file, ENABLE_RAG: 'false', RATE_LIMIT_STORAGE: 'redis', REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_REDIS_PREFIX: createRedisPrefix() };
    apps.push(await createTestApp(env));
    apps.push(await createTestApp(env));
    const [a, b] = apps as [TestApp, TestApp];
    for (const app of [a, b, a]) await app.http.get('/v1/tools').set(bearer(limited)).expect(200);
    expect((await b.http.get('/v1/tools').set(bearer(limited))).status).toBe(429);
    expect((await a.http.get('/v1/tools').set(bearer(limited))).status).toBe(429);
    for (const app of [a, b, a, b]) await app.http.get('/v1/tools').set(bearer(other)).expect(200);
    const echo = await b.http.post('/v1/tools/echo').set(bearer(other)).send({ text: 'still here' });
    expect(echo.status).toBe(200);
  });
});

describe('keys in the built server process (npm start, npm run keys)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keys-process-'));
  const file = join(dir, 'keys.yaml');
  const cli = join(__dirname, '..', '..', 'dist', 'platform', 'auth', 'keys.cli.js');
  let server: ListeningServer | undefined;
  let firstKey = '';
  afterAll(() => stopServer(server));

  const echo = async (key: string): Promise<number> =>
    (await fetch(`${server?.url}/v1/tools/echo`, { method: 'POST', headers: { ...bearer(key), 'Content-Type': 'application/json' }, body: '{"text":"hi"}' })).status;

  it('boots in production on a keys file alone, accepts the key the CLI printed, reloads on a real SIGHUP and keeps serving', async () => {
    const first = (firstKey = execFileSync(process.execPath, [cli, 'create', '--id', 'ops-bot', '--scopes', 'sql:read', '--append', file], { encoding: 'utf8' }).split('\n')[0] as string);
    server = await startListeningServer({ ENVIRONMENT: 'production', DB_URL: TEST_DB_URL, ENABLE_RAG: 'false', API_KEYS_FILE: file, API_KEYS_POLL_SECONDS: '3600', LOG_FORMAT: 'json' }, dir);
    expect(await echo(first)).toBe(200);

    const second = execFileSync(process.execPath, [cli, 'create', '--id', 'late-bot', '--scopes', 'rag:read', '--append', file], { encoding: 'utf8' }).split('\n')[0] as string;
    server.child.kill('SIGHUP');
    await waitFor(() => /"trigger":"SIGHUP"[^\n]*API keys file reloaded/.test(server?.stdout() ?? ''), 10_000, 'the SIGHUP reload line');
    expect(server.child.exitCode).toBeNull();
    expect(await echo(second)).toBe(200);
    expect(await echo(first)).toBe(200);
    expect(server.stdout()).not.toContain(first);
    expect(server.stdout()).not.toContain(second);
  }, 60_000);

  it('refuses to boot on an invalid keys file, naming every problem on stderr', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'keys:\n  - { id: x, sha256: nope, scopes: [sql:read], colour: red }\n');
    const child = startServerProcess({ ENVIRONMENT: 'production', DB_URL: TEST_DB_URL, ENABLE_RAG: 'false', API_KEYS_FILE: bad, PORT: '0' }, dir);
    const code = await exitCodeWithin(child);
    expect(code).not.toBe('running');
    expect(code).not.toBe(0);
    expect(child.stderr()).toContain('keys[0]: unknown field "colour"');
    expect(child.stderr()).toContain('keys[0].sha256: must be the hex SHA-256 of the key (64 hex digits)');
    expect(child.stderr()).not.toContain('nope');
    // The server of the previous case still answers.
    expect(await echo(firstKey)).toBe(200);
  }, 60_000);
});
