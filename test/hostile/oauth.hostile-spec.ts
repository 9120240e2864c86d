import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { base64url, importJWK, JWK, JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { AuthorizationServer, newSigningKey, startAuthorizationServer } from '../support/authorization-server';
import { bearer, createTestApp, TestApp } from '../support/test-app';

const AUDIENCE = 'https://mcp.example.test/mcp';
const READER = { client_id: 'reporting-bot', client_secret: 'reporting-bot-secret-0123456789' };
/** Another caller must get its answer within this after a hostile token was refused. */
const OTHERS_BOUND_MS = 2_000;

const publicPart = ({ kty, n, e, kid, alg, use }: JWK): JWK => ({ kty, n, e, kid, alg, use });

describe('hostile OAuth tokens: each is 401, and the server keeps answering', () => {
  let as: AuthorizationServer;
  let t: TestApp;
  let signing: JWK;

  /** A token signed with the authorization server's real key: every claim right unless `overrides` says otherwise. */
  async function forge(overrides: JWTPayload = {}, key: JWK = signing): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: as.issuer, aud: AUDIENCE, sub: READER.client_id, client_id: READER.client_id, scope: 'fixture', iat: now, exp: now + 300 };
    return new SignJWT({ ...claims, ...overrides })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .sign(await importJWK(key, 'RS256'));
  }

  beforeAll(async () => {
    as = await startAuthorizationServer({ clients: [READER], resources: { [AUDIENCE]: 'fixture' } });
    signing = as.keys()[0];
    t = await createTestApp({ OAUTH_ISSUER: as.issuer, OAUTH_AUDIENCE: AUDIENCE, OAUTH_JWKS_COOLDOWN_SECONDS: '30' }, { imports: [FixtureToolsModule] });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await as?.stop();
  });

  const cases: [string, () => Promise<string>][] = [
    ['wrong audience', () => forge({ aud: 'https://other.example.test/mcp' })],
    ['wrong issuer', () => forge({ iss: 'https://evil.example.test' })],
    ['expired (past the clock tolerance)', () => forge({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['not yet valid (nbf past the clock tolerance)', () => forge({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['no exp at all', async () => {
      const token = await forge();
      const [header, , signature] = token.split('.');
      const payload = { iss: as.issuer, aud: AUDIENCE, sub: 'x', scope: 'fixture' };
      return `${header}.${base64url.encode(JSON.stringify(payload))}.${signature}`;
    }],
    ['alg none', () => Promise.resolve(new UnsecuredJWT({ scope: 'fixture admin' }).setIssuer(as.issuer).setAudience(AUDIENCE).setSubject('x').setExpirationTime('5m').encode())],
    ['HS256 signed with the public key', () => {
      const header = base64url.encode(JSON.stringify({ alg: 'HS256', kid: signing.kid, typ: 'JWT' }));
      const now = Math.floor(Date.now() / 1000);
      const payload = base64url.encode(JSON.stringify({ iss: as.issuer, aud: AUDIENCE, sub: 'x', scope: 'fixture admin', exp: now + 300 }));
      const secret = JSON.stringify(publicPart(signing));
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      return Promise.resolve(`${header}.${payload}.${signature}`);
    }],
    ['unknown kid (a key the authorization server never published)', async () => forge({}, await newSigningKey('key-evil'))],
    ['tampered payload (scope raised after signing)', async () => {
      const token = await as.token(READER, AUDIENCE, 'fixture');
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
      return `${header}.${base64url.encode(JSON.stringify({ ...claims, scope: 'fixture admin' }))}.${signature}`;
    }],
  ];

  it.each(cases)('%s: 401 invalid_token, then another caller is answered', async (_name, make) => {
    const token = await make();
    const refused = await t.http.post('/v1/tools/fixture_admin').set(bearer(token)).send({});
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(JSON.stringify(refused.body)).not.toMatch(/jose|JWS|JWT|signature|kid/i);
    const good = await as.token(READER, AUDIENCE, 'fixture');
    const at = performance.now();
    const other = await t.http.post('/v1/tools/fixture_add').set(bearer(good)).send({ a: 1, b: 2 });
    expect(other.status).toBe(200);
    expect(performance.now() - at).toBeLessThan(OTHERS_BOUND_MS);
  });

  it('the real key accepts the same forged shape (so each refusal above is about its one defect)', async () => {
    expect((await t.http.post('/v1/tools/fixture_add').set(bearer(await forge())).send({ a: 1, b: 2 })).status).toBe(200);
  });

  it('a flood of 50 unknown-kid tokens at once: all refused (401, or 429 past AUTH_FAILURES_PER_MINUTE), and a valid token is still served', async () => {
    const evil = await newSigningKey('key-flood');
    const tokens = await Promise.all(Array.from({ length: 50 }, () => forge({}, evil)));
    const answers = await Promise.all(tokens.map((token) => t.http.get('/v1/tools').set(bearer(token))));
    expect(answers.every((res) => res.status === 401 || res.status === 429)).toBe(true);
    expect((await t.http.get('/health/live')).status).toBe(200);
    const good = await as.token(READER, AUDIENCE, 'fixture');
    expect((await t.http.post('/v1/tools/fixture_add').set(bearer(good)).send({ a: 1, b: 2 })).status).toBe(200);
  });
});
