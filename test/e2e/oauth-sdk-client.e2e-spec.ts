import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { AuthorizationServer, startAuthorizationServer } from '../support/authorization-server';
import { freePort } from '../support/free-port';
import { createTestApp, TestApp } from '../support/test-app';
import { errorOf, resultOf } from '../support/tool-results';

const READER = { client_id: 'reporting-bot', client_secret: 'reporting-bot-secret-0123456789' };

/** Every request the SDK makes, with the form body of the token request. */
interface Seen {
  readonly url: string;
  readonly body?: string;
}

/**
 * The v1 SDK's own OAuth machinery end to end: its ClientCredentialsProvider gets a 401 from /mcp, follows our
 * `resource_metadata` to the RFC 9728 document, discovers oidc-provider from `authorization_servers`, asks it for a
 * token with the metadata's `resource` (RFC 8707), and calls a tool with it. The SDK checks that the metadata's
 * `resource` has the server URL's origin and path prefix, so here OAUTH_AUDIENCE is the real loopback URL of /mcp.
 */
describe('the v1 SDK Client with its client-credentials provider, against oidc-provider', () => {
  let as: AuthorizationServer;
  let t: TestApp;
  let audience: string;

  beforeAll(async () => {
    const port = await freePort();
    audience = `http://127.0.0.1:${port}/mcp`;
    as = await startAuthorizationServer({ clients: [READER], resources: { [audience]: 'fixture admin' } });
    t = await createTestApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: audience }, { imports: [FixtureToolsModule], port });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await as?.stop();
  });

  it('discovers the authorization server through our metadata, gets a token for OAUTH_AUDIENCE and calls a tool', async () => {
    const seen: Seen[] = [];
    const recordingFetch = (input: string | URL, init?: RequestInit): Promise<Response> => {
      seen.push({ url: String(input), body: typeof init?.body === 'string' ? init.body : init?.body instanceof URLSearchParams ? init.body.toString() : undefined });
      return fetch(input, init);
    };
    const provider = new ClientCredentialsProvider({
      clientId: READER.client_id,
      clientSecret: READER.client_secret,
      scope: 'fixture',
      expectedIssuer: as.issuer,
    });
    const client = new Client({ name: 'oauth-sdk-v1', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(audience), { authProvider: provider, fetch: recordingFetch }));
    try {
      const added = await client.callTool({ name: 'fixture_add', arguments: { a: 40, b: 2 } });
      expect(added.isError).toBeFalsy();
      expect(resultOf(added)).toEqual({ sum: 42 });
      // The token carries only the scope the client asked for: the admin tool stays out of reach.
      const admin = await client.callTool({ name: 'fixture_admin', arguments: {} });
      expect(errorOf(admin).status).toBe('forbidden');
      const listed = (await client.listTools()).tools.map((tool) => tool.name);
      expect(listed).toContain('fixture_add');
      expect(listed).not.toContain('fixture_admin');
    } finally {
      await client.close();
    }

    expect(seen.map((request) => request.url)).toContain(`http://127.0.0.1:${new URL(audience).port}/.well-known/oauth-protected-resource/mcp`);
    const tokenRequest = seen.find((request) => request.url === `${as.issuer}/token`);
    const form = new URLSearchParams(tokenRequest?.body);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('resource')).toBe(audience);
    expect(form.get('scope')).toBe('fixture');
    const token = provider.tokens()?.access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims.aud).toBe(audience);
    expect(claims.iss).toBe(as.issuer);
    expect(claims.client_id).toBe(READER.client_id);
  }, 30_000);
});
