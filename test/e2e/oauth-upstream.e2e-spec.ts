import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { AuthorizationServer, startAuthorizationServer } from '../support/authorization-server';
import { FakeUpstream, FAKE_CUSTOMERS } from '../support/fake-upstream';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const AUDIENCE = 'https://mcp.example.test/mcp';
const AGENT = { client_id: 'upstream-agent', client_secret: 'upstream-agent-secret-0123456789' };

/** The caller's OAuth token authenticates the caller only: the REST family calls its upstream with its own credential. */
describe('an OAuth caller of a REST tool', () => {
  let as: AuthorizationServer;
  let fake: FakeUpstream;
  let t: TestApp;

  beforeAll(async () => {
    as = await startAuthorizationServer({ clients: [AGENT], resources: { [AUDIENCE]: 'rest:read' } });
    fake = await FakeUpstream.start();
    t = await createTestApp(
      { OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: AUDIENCE, API_BASE_URL: fake.url, API_AUTH_HEADER: 'X-Api-Key', API_AUTH_TOKEN: 'upstream-credential-123' },
      { imports: [RestToolsModule] },
    );
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await as?.stop();
  });

  it('never forwards the token upstream: the upstream sees the configured credential and nothing of the caller', async () => {
    const token = await as.token(AGENT, AUDIENCE, 'rest:read');
    const res = await t.http.post('/v1/tools/get_customer').set(bearer(token)).send({ customer_id: 42 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(FAKE_CUSTOMERS[2]);
    expect(fake.requests).toHaveLength(1);
    const [{ headers }] = fake.requests;
    expect(headers.authorization).toBeUndefined();
    expect(headers['x-api-key']).toBe('upstream-credential-123');
    expect(JSON.stringify(headers)).not.toContain(token.split('.')[2]);
  });
});
