import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { AuthorizationServer, startAuthorizationServer } from '../support/authorization-server';
import { bearer, createTestApp, TestApp } from '../support/test-app';
import { errorOf, resultOf } from '../support/tool-results';

const AUDIENCE = 'https://mcp.example.test/mcp';
const METADATA_URL = 'https://mcp.example.test/.well-known/oauth-protected-resource/mcp';
const READER = { client_id: 'reporting-bot', client_secret: 'reporting-bot-secret-0123456789' };
const ADMIN = { client_id: 'admin-bot', client_secret: 'admin-bot-secret-0123456789' };

describe('OAuth 2.1 resource server with a real authorization server (oidc-provider)', () => {
  let as: AuthorizationServer;
  let t: TestApp;

  beforeAll(async () => {
    as = await startAuthorizationServer({
      clients: [READER, ADMIN],
      resources: { [AUDIENCE]: 'fixture admin', 'https://other.example.test/mcp': 'fixture admin' },
    });
    t = await createTestApp(
      { OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: AUDIENCE, OAUTH_JWKS_COOLDOWN_SECONDS: '0.1' },
      { imports: [FixtureToolsModule] },
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await as?.stop();
  });

  it('publishes RFC 9728 metadata at both well-known paths, without a credential', async () => {
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(200);
      expect(res.body.resource).toBe(AUDIENCE);
      expect(res.body.authorization_servers).toEqual([as.issuer]);
      expect(res.body.bearer_methods_supported).toEqual(['header']);
      expect(res.body.scopes_supported).toEqual(expect.arrayContaining(['admin']));
      expect([...res.body.scopes_supported].sort()).toEqual(res.body.scopes_supported);
      expect(res.body.resource_name).toBe('mcp-tool-server');
    }
  });

  it('answers 401 with the resource_metadata challenge, and invalid_token when a credential was refused', async () => {
    const missing = await t.http.get('/v1/tools');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe(`Bearer realm="mcp-tool-server", resource_metadata="${METADATA_URL}"`);
    const refused = await t.http.post('/mcp').set(bearer('not-a-key-nor-a-token')).send({});
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe(
      `Bearer realm="mcp-tool-server", resource_metadata="${METADATA_URL}", error="invalid_token"`,
    );
  });

  it("names a tool's scopes in the 401 challenge of its REST route, and none where no scope is known", async () => {
    const admin = await t.http.post('/v1/tools/fixture_admin').send({});
    expect(admin.status).toBe(401);
    expect(admin.headers['www-authenticate']).toBe(`Bearer realm="mcp-tool-server", resource_metadata="${METADATA_URL}", scope="admin"`);
    const legacy = await t.http.post('/v1/mcp/fixture_admin').set(bearer('not-a-key-nor-a-token')).send({});
    expect(legacy.headers['www-authenticate']).toBe(
      `Bearer realm="mcp-tool-server", resource_metadata="${METADATA_URL}", error="invalid_token", scope="admin"`,
    );
    // echo needs no scope; an unknown tool's name is not echoed back; /mcp reaches every tool: no scope named.
    for (const path of ['/v1/tools/echo', '/v1/tools/no_such_tool', '/mcp']) {
      const res = await t.http.post(path).send({});
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).not.toContain('scope=');
    }
  });

  it('filters /docs-json and the Swagger UI document by the token scopes, as for a key', async () => {
    const paths = (body: { paths: Record<string, unknown> }): string[] => Object.keys(body.paths);
    const anonymous = await t.http.get('/docs-json').expect(200);
    expect(paths(anonymous.body)).toEqual(expect.arrayContaining(['/v1/tools/fixture_add', '/v1/tools/fixture_admin']));
    const reader = await as.token(READER, AUDIENCE, 'fixture');
    const filtered = await t.http.get('/docs-json').set(bearer(reader)).expect(200);
    expect(paths(filtered.body)).toContain('/v1/tools/fixture_add');
    expect(paths(filtered.body)).not.toContain('/v1/tools/fixture_admin');
    const ui = await t.http.get('/docs/swagger-ui-init.js').set(bearer(reader)).expect(200);
    expect(ui.text).toContain('/v1/tools/fixture_add');
    expect(ui.text).not.toContain('/v1/tools/fixture_admin');
    const admin = await as.token(ADMIN, AUDIENCE, 'admin');
    const adminDoc = await t.http.get('/docs-json').set(bearer(admin)).expect(200);
    expect(paths(adminDoc.body)).toContain('/v1/tools/fixture_admin');
    // A token for another resource is no credential here: the anonymous document.
    const other = await as.token(READER, 'https://other.example.test/mcp', 'fixture');
    expect(paths((await t.http.get('/docs-json').set(bearer(other)).expect(200)).body)).toEqual(paths(anonymous.body));
  });

  it('accepts a token through the REST facade, and answers 403 insufficient_scope naming the missing scope', async () => {
    const token = await as.token(READER, AUDIENCE, 'fixture');
    const ok = await t.http.post('/v1/tools/fixture_add').set(bearer(token)).send({ a: 2, b: 3 });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ sum: 5 });
    const denied = await t.http.post('/v1/tools/fixture_admin').set(bearer(token)).send({});
    expect(denied.status).toBe(403);
    expect(denied.headers['www-authenticate']).toBe('Bearer realm="mcp-tool-server", error="insufficient_scope", scope="admin"');
    const admin = await as.token(ADMIN, AUDIENCE, 'admin');
    expect((await t.http.post('/v1/tools/fixture_admin').set(bearer(admin)).send({})).status).toBe(200);
  });

  it('accepts a token through both MCP eras, with the scopes it carries', async () => {
    const token = await as.token(READER, AUDIENCE, 'fixture');
    const headers = bearer(token);
    const v1 = new ClientV1({ name: 'oauth-v1', version: '1.0.0' });
    await v1.connect(new TransportV1(new URL(`${t.url}/mcp`), { requestInit: { headers } }));
    const v2 = new ClientV2({ name: 'oauth-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await v2.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers } }));
    try {
      for (const client of [v1, v2]) {
        const added = await client.callTool({ name: 'fixture_add', arguments: { a: 20, b: 22 } });
        expect(added.isError).toBeFalsy();
        expect(resultOf(added)).toEqual({ sum: 42 });
        const admin = await client.callTool({ name: 'fixture_admin', arguments: {} });
        expect(admin.isError).toBe(true);
        expect(errorOf(admin).status).toBe('forbidden');
      }
    } finally {
      await v1.close();
      await v2.close();
    }
  });

  it('names the token client in the audit line and the metrics, never the token', async () => {
    const token = await as.token(READER, AUDIENCE, 'fixture');
    await t.http.post('/v1/tools/fixture_add').set(bearer(token)).send({ a: 1, b: 1 }).expect(200);
    const metrics = await t.http.get('/metrics').set(bearer(t.primaryKey));
    // Prefixed, so a token's client never shares a key's budget or label (an API key id cannot hold ':').
    expect(metrics.text).toMatch(/mcp_tool_calls_total\{[^}]*key_id="oauth:reporting-bot"/);
    expect(t.logs.text).not.toContain(token);
  });

  it('refuses a real token minted for another resource (audience), 401', async () => {
    const other = await as.token(READER, 'https://other.example.test/mcp', 'fixture');
    const res = await t.http.post('/v1/tools/fixture_add').set(bearer(other)).send({ a: 1, b: 2 });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('picks up a key rotation at the authorization server without a restart', async () => {
    const before = await as.token(READER, AUDIENCE, 'fixture');
    await t.http.post('/v1/tools/fixture_add').set(bearer(before)).send({ a: 1, b: 2 }).expect(200);
    const fresh = await as.rotate();
    const after = await as.token(READER, AUDIENCE, 'fixture');
    expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).toBe(fresh.kid);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const res = await t.http.post('/v1/tools/fixture_add').set(bearer(after)).send({ a: 1, b: 2 });
    expect(res.status).toBe(200);
    expect((await t.http.post('/v1/tools/fixture_add').set(bearer(t.primaryKey)).send({ a: 1, b: 2 })).status).toBe(200);
  }, 30_000);
});
