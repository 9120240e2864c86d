import { readCappedText } from '../platform/http/read-capped-text';

/** The largest answer read from Vault (a login or one KV v2 secret); a larger one stops the boot. */
export const VAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** A Vault exchange that failed: one line saying what and what to check, never a token or a secret. */
export class VaultError extends Error {
  constructor(message: string) {
    super(`Vault: ${message}`);
    this.name = 'VaultError';
  }
}

const STATUS_HINTS: Readonly<Record<number, string>> = {
  400: 'the request was refused: check VAULT_K8S_ROLE and that the service account is bound to it',
  401: 'not authenticated: check the token or the Kubernetes role',
  403: "permission denied: the token's policies must allow read on VAULT_SECRET_PATH",
  404: 'nothing there: check VAULT_SECRET_PATH (<mount>/data/<name>) and that the secret exists',
  429: 'rate limited by Vault: try again',
  500: 'Vault failed internally',
  503: 'Vault is sealed, in standby, or down for maintenance',
};

function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === '/') end -= 1;
  return text.slice(0, end);
}

/** The little of Vault's HTTP API the server needs at boot: Kubernetes login and a KV v2 read. */
export class VaultClient {
  private readonly base: string;

  /**
   * @param address VAULT_ADDR (a path prefix, as behind a proxy, is kept)
   * @param signal aborts every request (the boot's Vault deadline)
   */
  constructor(
    address: string,
    private readonly namespace: string | undefined,
    private readonly signal: AbortSignal,
    private readonly timeoutSeconds: number,
  ) {
    this.base = trimTrailingSlashes(address);
  }

  /** `POST /v1/auth/<mount>/login {role, jwt}` → the client token (`auth.client_token`). */
  async loginKubernetes(mount: string, role: string, jwt: string): Promise<string> {
    const body = await this.request('POST', `auth/${mount}/login`, 'the Kubernetes login', undefined, { role, jwt });
    const token = (body as { auth?: { client_token?: unknown } } | null)?.auth?.client_token;
    if (typeof token !== 'string' || token === '') throw new VaultError(`the Kubernetes login at auth/${mount}/login answered without auth.client_token`);
    return token;
  }

  /** `GET /v1/<path>` of a KV v2 secret → its key/value pairs (`data.data`). */
  async readKv2(path: string, token: string): Promise<Record<string, unknown>> {
    const body = await this.request('GET', path, `the read of ${path}`, token);
    const data = (body as { data?: { data?: unknown } } | null)?.data?.data;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
      throw new VaultError(`${path} holds no KV v2 data (data.data); is it a KV v2 mount, and the latest version not deleted?`);
    }
    return data as Record<string, unknown>;
  }

  private async request(method: 'GET' | 'POST', path: string, what: string, token?: string, payload?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers['x-vault-token'] = token;
    if (this.namespace) headers['x-vault-namespace'] = this.namespace;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.base}/v1/${path}`, {
        method,
        headers,
        body: payload === undefined ? undefined : JSON.stringify(payload),
        // A redirect would carry the token to another address: refuse it.
        redirect: 'manual',
        signal: this.signal,
      });
    } catch (error) {
      throw this.transportError(error);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new VaultError(`${this.base} answered ${what} with a redirect (HTTP ${response.status}); point VAULT_ADDR at the active node or its load balancer`);
    }
    const text = await this.readBounded(response, what);
    if (response.status !== 200) {
      throw new VaultError(`${this.base} answered ${what} with HTTP ${response.status}: ${STATUS_HINTS[response.status] ?? 'unexpected status'}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new VaultError(`${this.base} answered ${what} with something that is not JSON`);
    }
  }

  private async readBounded(response: Response, what: string): Promise<string> {
    let text: string | undefined;
    try {
      text = await readCappedText(response, VAULT_MAX_RESPONSE_BYTES);
    } catch (error) {
      throw this.transportError(error);
    }
    if (text === undefined) throw new VaultError(`${this.base} answered ${what} with more than ${VAULT_MAX_RESPONSE_BYTES} bytes`);
    return text;
  }

  private transportError(error: unknown): VaultError {
    if (this.signal.aborted) {
      return new VaultError(`${this.base} did not answer within ${this.timeoutSeconds} s (VAULT_TIMEOUT_SECONDS)`);
    }
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : 'connection failed';
    return new VaultError(`${this.base} is unreachable (${code}); check VAULT_ADDR and that Vault is up`);
  }
}
