import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port';
import { exitCodeWithin, startListeningServer, startServerProcess, stopServer, ListeningServer } from '../support/server-process';
import { TEST_DB_URL } from '../support/test-database';
import { FakeVault, startFakeVault } from '../support/vault-fake-server';

const PATH = 'secret/data/mcp-tool-server';

/** The key is accepted (GET /v1/tools answers 200), another is not (401), and /health/live answers. */
async function expectServesWith(server: ListeningServer, key: string): Promise<void> {
  const ok = await fetch(`${server.url}/v1/tools`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(10_000) });
  expect(ok.status).toBe(200);
  const wrong = await fetch(`${server.url}/v1/tools`, { headers: { authorization: `Bearer ${key}x` }, signal: AbortSignal.timeout(10_000) });
  expect(wrong.status).toBe(401);
  expect((await fetch(`${server.url}/health/live`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
}

describe('secrets from files and Vault (node dist/main.js)', () => {
  let cwd: string;
  let server: ListeningServer | undefined;
  let vault: FakeVault | undefined;
  const secretFile = (name: string, content: string): string => {
    const path = join(cwd, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };

  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'mcp-tool-server-secrets-'));
  });
  afterEach(async () => {
    await stopServer(server);
    server = undefined;
    await vault?.close();
    vault = undefined;
    rmSync(cwd, { recursive: true, force: true });
  });

  it('boots in production with only _FILE secrets and answers with the key from the file', async () => {
    const key = 'file-key-0123456789abcdefghij';
    server = await startListeningServer(
      {
        ENVIRONMENT: 'production',
        API_KEY_PRIMARY_FILE: secretFile('api-key', `${key}\n`),
        DB_URL_FILE: secretFile('db-url', `${TEST_DB_URL}\n`),
      },
      cwd,
    );
    await expectServesWith(server, key);
    expect(server.stdout() + server.stderr()).not.toContain(key);
  }, 60_000);

  it('boots with its key and database URL from Vault through Kubernetes auth', async () => {
    const key = 'vault-key-0123456789abcdefghij';
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.service-account.signature';
    vault = await startFakeVault({ secrets: { [PATH]: { API_KEY_PRIMARY: key, DB_URL: TEST_DB_URL } }, kubernetes: { role: 'mcp-tool-server', jwt } });
    server = await startListeningServer(
      {
        ENVIRONMENT: 'production',
        VAULT_ADDR: vault.url,
        VAULT_K8S_ROLE: 'mcp-tool-server',
        VAULT_K8S_TOKEN_FILE: secretFile('jwt', jwt),
        VAULT_SECRET_PATH: PATH,
      },
      cwd,
    );
    await expectServesWith(server, key);
    expect(vault.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /v1/auth/kubernetes/login', `GET /v1/${PATH}`]);
  }, 60_000);

  it('stops the boot with one line and exit 1 when Vault is down, never showing the token', async () => {
    const address = `http://127.0.0.1:${await freePort()}`;
    const token = 'hvs.the-token-0123456789';
    const failed = startServerProcess(
      { ENVIRONMENT: 'production', VAULT_ADDR: address, VAULT_TOKEN_FILE: secretFile('token', token), VAULT_SECRET_PATH: PATH, PORT: String(await freePort()) },
      cwd,
    );
    expect(await exitCodeWithin(failed)).toBe(1);
    expect(failed.stderr()).toBe(`Startup failed: Vault: ${address} is unreachable (ECONNREFUSED); check VAULT_ADDR and that Vault is up\n`);
    expect(failed.stdout()).toBe('');
  }, 30_000);

  it('stops the boot when Vault never answers, after VAULT_TIMEOUT_SECONDS', async () => {
    vault = await startFakeVault({ secrets: {}, behaviour: 'hang' });
    const failed = startServerProcess(
      { ENVIRONMENT: 'production', VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.t', VAULT_SECRET_PATH: PATH, VAULT_TIMEOUT_SECONDS: '1', PORT: String(await freePort()) },
      cwd,
    );
    expect(await exitCodeWithin(failed)).toBe(1);
    expect(failed.stderr()).toBe(`Startup failed: Vault: ${vault.url} did not answer within 1 s (VAULT_TIMEOUT_SECONDS)\n`);
  }, 30_000);

  it('refuses a secret set both directly and as a file, naming both', async () => {
    const failed = startServerProcess({ API_KEY_PRIMARY: 'k'.repeat(32), API_KEY_PRIMARY_FILE: secretFile('api-key', 'x'.repeat(32)), PORT: '0' }, cwd);
    expect(await exitCodeWithin(failed)).toBe(1);
    expect(failed.stderr()).toContain('API_KEY_PRIMARY and API_KEY_PRIMARY_FILE: both are set; set only one');
    expect(failed.stderr()).not.toContain('k'.repeat(32));
  }, 30_000);
});
