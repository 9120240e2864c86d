import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVault, startFakeVault } from '../../test/support/vault-fake-server';
import { freePort } from '../../test/support/free-port';
import { SECRET_FILE_MAX_BYTES } from './secret-files';
import { resolveSecrets } from './secret-sources';
import { ConfigValidationError, validateEnvironment } from './validate-environment';
import { VAULT_MAX_RESPONSE_BYTES } from './vault.client';

const KEY = 'file-key-0123456789abcdef';
const PATH = 'secret/data/mcp-tool-server';

async function failure(raw: Record<string, string>): Promise<Error> {
  try {
    await resolveSecrets(raw);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the secrets to be refused');
}

describe('resolveSecrets', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'secrets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('<NAME>_FILE', () => {
    it('reads every secret setting from its file, trailing line breaks trimmed, and the result validates', async () => {
      const raw = await resolveSecrets({
        API_KEY_PRIMARY_FILE: file('primary', `${KEY}\n`),
        API_KEY_SECONDARY_FILE: file('secondary', 'second-key-0123456789abcdef\r\n'),
        DB_URL_FILE: file('db', 'postgres://u:p@db:5432/x\n\n'),
        SQL_READONLY_URL_FILE: file('ro', 'postgres://ro:p@db:5432/x'),
        RAG_DB_URL_FILE: file('rag', 'postgres://rag:p@db:5432/x\n'),
        REDIS_URL_FILE: file('redis', 'redis://:p@cache:6379\n'),
        API_AUTH_TOKEN_FILE: file('upstream', 'Bearer upstream-token\n'),
        RAG_EMBEDDINGS_API_KEY_FILE: file('embeddings', 'sk-embeddings\n'),
      });
      const env = validateEnvironment(raw);
      expect(env).toMatchObject({
        API_KEY_PRIMARY: KEY,
        API_KEY_SECONDARY: 'second-key-0123456789abcdef',
        DB_URL: 'postgres://u:p@db:5432/x',
        SQL_READONLY_URL: 'postgres://ro:p@db:5432/x',
        RAG_DB_URL: 'postgres://rag:p@db:5432/x',
        REDIS_URL: 'redis://:p@cache:6379',
        API_AUTH_TOKEN: 'Bearer upstream-token',
        RAG_EMBEDDINGS_API_KEY: 'sk-embeddings',
      });
    });

    it('keeps inner whitespace: a key with a space in it is still refused by validation, redacted', async () => {
      const raw = await resolveSecrets({ API_KEY_PRIMARY_FILE: file('primary', 'two words of secret text\n') });
      expect(() => validateEnvironment(raw)).toThrow('API_KEY_PRIMARY=<redacted>: API_KEY_PRIMARY must not contain whitespace');
    });

    it('refuses a setting given both directly and as a file, naming both and showing neither', async () => {
      const error = await failure({ API_KEY_PRIMARY: KEY, API_KEY_PRIMARY_FILE: file('primary', 'other-key-0123456789abcdef') });
      expect(error).toBeInstanceOf(ConfigValidationError);
      expect((error as ConfigValidationError).problems).toEqual(['API_KEY_PRIMARY and API_KEY_PRIMARY_FILE: both are set; set only one']);
      expect(error.message).not.toContain(KEY);
    });

    it('names the variable and the path of an unusable file, never its content, and lists every one', async () => {
      const missing = join(dir, 'missing');
      const large = file('large', `${'s'.repeat(SECRET_FILE_MAX_BYTES)}x`);
      const empty = file('empty', '\n');
      mkdirSync(join(dir, 'folder'));
      const error = await failure({
        API_KEY_PRIMARY_FILE: missing,
        DB_URL_FILE: large,
        REDIS_URL_FILE: empty,
        API_AUTH_TOKEN_FILE: join(dir, 'folder'),
      });
      expect((error as ConfigValidationError).problems).toEqual([
        `API_KEY_PRIMARY_FILE: cannot use ${missing} (ENOENT)`,
        `DB_URL_FILE: cannot use ${large} (larger than ${SECRET_FILE_MAX_BYTES} bytes)`,
        `REDIS_URL_FILE: cannot use ${empty} (empty)`,
        `API_AUTH_TOKEN_FILE: cannot use ${join(dir, 'folder')} (EISDIR)`,
      ]);
      expect(error.message).not.toContain('sss');
    });

    it('reads at most the bound from an endless file', async () => {
      const error = await failure({ API_KEY_PRIMARY_FILE: '/dev/zero' });
      expect(error.message).toContain(`API_KEY_PRIMARY_FILE: cannot use /dev/zero (larger than ${SECRET_FILE_MAX_BYTES} bytes)`);
    }, 5_000);

    it('leaves the variables that are set in neither place unset', async () => {
      const env = validateEnvironment(await resolveSecrets({}));
      expect(env.API_KEY_PRIMARY).toBeUndefined();
      expect(env.DB_URL).toBeUndefined();
    });
  });

  describe('Vault KV v2', () => {
    let vault: FakeVault | undefined;
    afterEach(async () => {
      await vault?.close();
      vault = undefined;
    });

    const secrets = { [PATH]: { API_KEY_PRIMARY: 'vault-key-0123456789abcdef', DB_URL: 'postgres://v:p@db/x', REDIS_URL: 'redis://vault:6379', PORT: '1' } };

    it('reads the secrets with a token (env and _FILE win over Vault; keys that are not secret settings are ignored)', async () => {
      vault = await startFakeVault({ secrets, tokens: ['hvs.reader'], namespace: 'team-a' });
      const raw = await resolveSecrets({
        VAULT_ADDR: `${vault.url}/`,
        VAULT_TOKEN_FILE: file('token', 'hvs.reader\n'),
        VAULT_NAMESPACE: 'team-a',
        VAULT_SECRET_PATH: PATH,
        DB_URL: 'postgres://env:p@db/x',
        REDIS_URL_FILE: file('redis', 'redis://file:6379\n'),
      });
      expect(validateEnvironment(raw)).toMatchObject({
        API_KEY_PRIMARY: 'vault-key-0123456789abcdef',
        DB_URL: 'postgres://env:p@db/x',
        REDIS_URL: 'redis://file:6379',
        PORT: 8000,
      });
      expect(vault.requests).toEqual([{ method: 'GET', path: `/v1/${PATH}`, token: 'hvs.reader', namespace: 'team-a' }]);
    });

    it('logs in with Kubernetes auth (the service account JWT from its file) and reads with the token Vault issued', async () => {
      const jwt = 'eyJhbGciOiJSUzI1NiJ9.service-account.signature';
      vault = await startFakeVault({ secrets, kubernetes: { mount: 'k8s/prod', role: 'mcp-tool-server', jwt } });
      const raw = await resolveSecrets({
        VAULT_ADDR: vault.url,
        VAULT_K8S_ROLE: 'mcp-tool-server',
        VAULT_K8S_MOUNT: 'k8s/prod',
        VAULT_K8S_TOKEN_FILE: file('jwt', `${jwt}\n`),
        VAULT_SECRET_PATH: PATH,
      });
      expect(raw.API_KEY_PRIMARY).toBe('vault-key-0123456789abcdef');
      expect(vault.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /v1/auth/k8s/prod/login', `GET /v1/${PATH}`]);
      expect(vault.requests[1]?.token).toMatch(/^hvs\./);
    });

    it('does nothing without VAULT_SECRET_PATH, even with the Vault CLI variables set', async () => {
      vault = await startFakeVault({ secrets, tokens: ['hvs.reader'] });
      await resolveSecrets({ VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.reader' });
      expect(vault.requests).toEqual([]);
    });

    it('refuses incomplete or contradictory Vault settings before asking Vault, listing each', async () => {
      const problems = async (raw: Record<string, string>): Promise<readonly string[]> =>
        ((await failure(raw)) as ConfigValidationError).problems;
      expect(await problems({ VAULT_SECRET_PATH: PATH, VAULT_TOKEN: 't' })).toEqual(['VAULT_SECRET_PATH: set VAULT_ADDR too (the Vault to read it from)']);
      expect(await problems({ VAULT_SECRET_PATH: PATH, VAULT_ADDR: 'http://127.0.0.1:1' })).toEqual([
        'VAULT_SECRET_PATH: set VAULT_TOKEN (or VAULT_TOKEN_FILE) or VAULT_K8S_ROLE to log in to Vault',
      ]);
      expect(await problems({ VAULT_SECRET_PATH: PATH, VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: 't', VAULT_K8S_ROLE: 'r' })).toEqual([
        'VAULT_TOKEN and VAULT_K8S_ROLE: both are set; set only one way to log in to Vault',
      ]);
      const bad = await problems({ VAULT_SECRET_PATH: 'secret/mcp-tool-server', VAULT_ADDR: 'vault:8200', VAULT_TIMEOUT_SECONDS: '0', VAULT_TOKEN: 'secret-token' });
      expect(bad.map((problem) => problem.split('=')[0])).toEqual(['VAULT_ADDR', 'VAULT_SECRET_PATH', 'VAULT_TIMEOUT_SECONDS']);
      expect(await problems({ VAULT_TOKEN: 't', VAULT_TOKEN_FILE: join(dir, 'none') })).toEqual(['VAULT_TOKEN and VAULT_TOKEN_FILE: both are set; set only one']);
    });

    it('keeps the token and the secrets off plain http outside development, and credentials out of VAULT_ADDR', async () => {
      const problems = async (raw: Record<string, string>): Promise<readonly string[]> =>
        ((await failure({ VAULT_SECRET_PATH: PATH, VAULT_TOKEN: 't', ...raw })) as ConfigValidationError).problems;
      expect(await problems({ VAULT_ADDR: 'http://vault.internal:8200', ENVIRONMENT: 'production' })).toEqual(['VAULT_ADDR: must be https when ENVIRONMENT=production (plain http only to a loopback address)']);
      const withCredentials = await problems({ VAULT_ADDR: 'https://admin:hunter2@vault.internal:8200' });
      expect(withCredentials).toEqual(['VAULT_ADDR: must not hold a user name or password (log in with VAULT_TOKEN or VAULT_K8S_ROLE)']);
      expect(withCredentials.join(' ')).not.toContain('hunter2');
    });

    const vaultFailure = async (raw: Record<string, string>): Promise<string> => {
      const error = await failure({ VAULT_SECRET_PATH: PATH, ...raw });
      expect(error.name).toBe('VaultError');
      expect(error.message).not.toContain('\n');
      return error.message;
    };

    it('stops on a refused token with one line naming the status and what to check, never the token', async () => {
      vault = await startFakeVault({ secrets, tokens: ['hvs.reader'] });
      const message = await vaultFailure({ VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.wrong-token' });
      expect(message).toBe(`Vault: ${vault.url} answered the read of ${PATH} with HTTP 403: permission denied: the token's policies must allow read on VAULT_SECRET_PATH`);
      expect(await vaultFailure({ VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.reader', VAULT_SECRET_PATH: 'secret/data/other' })).toContain('HTTP 404: nothing there');
    });

    it('stops on a Kubernetes login Vault refuses, and on a missing service account token', async () => {
      vault = await startFakeVault({ secrets, kubernetes: { role: 'mcp-tool-server', jwt: 'right' } });
      const base = { VAULT_ADDR: vault.url, VAULT_K8S_ROLE: 'mcp-tool-server' };
      expect(await vaultFailure({ ...base, VAULT_K8S_TOKEN_FILE: file('jwt', 'wrong') })).toContain('answered the Kubernetes login with HTTP 403');
      expect(await vaultFailure({ ...base, VAULT_K8S_ROLE: 'other', VAULT_K8S_TOKEN_FILE: file('jwt', 'right') })).toContain('HTTP 400');
      expect(await vaultFailure({ ...base, VAULT_K8S_TOKEN_FILE: join(dir, 'none') })).toBe(
        `Vault: VAULT_K8S_TOKEN_FILE: cannot use ${join(dir, 'none')} (ENOENT): the service account token for the Kubernetes login`,
      );
    });

    it('stops with one line when Vault is down, and within VAULT_TIMEOUT_SECONDS when it never answers', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      expect(await vaultFailure({ VAULT_ADDR: closed, VAULT_TOKEN: 'hvs.reader' })).toBe(
        `Vault: ${closed} is unreachable (ECONNREFUSED); check VAULT_ADDR and that Vault is up`,
      );
      vault = await startFakeVault({ secrets, behaviour: 'hang' });
      expect(await vaultFailure({ VAULT_ADDR: vault.url, VAULT_TOKEN: 'hvs.reader', VAULT_TIMEOUT_SECONDS: '1' })).toBe(
        `Vault: ${vault.url} did not answer within 1 s (VAULT_TIMEOUT_SECONDS)`,
      );
    }, 10_000);

    it('refuses a value that is not a string and an answer larger than the bound', async () => {
      vault = await startFakeVault({ secrets: { [PATH]: { DB_URL: { nested: true } } }, tokens: ['t'] });
      expect(await vaultFailure({ VAULT_ADDR: vault.url, VAULT_TOKEN: 't' })).toBe(`Vault: key DB_URL of ${PATH} is not a string`);
      await vault.close();
      vault = await startFakeVault({ secrets: { [PATH]: { API_AUTH_TOKEN: 'x'.repeat(VAULT_MAX_RESPONSE_BYTES) } }, tokens: ['t'] });
      expect(await vaultFailure({ VAULT_ADDR: vault.url, VAULT_TOKEN: 't' })).toContain(`with more than ${VAULT_MAX_RESPONSE_BYTES} bytes`);
    });
  });
});
