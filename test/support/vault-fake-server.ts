import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** What the fake Vault holds and accepts. */
export interface FakeVaultOptions {
  /** KV v2 secrets by API path (`secret/data/mcp-tool-server`) → their key/value pairs. */
  readonly secrets: Readonly<Record<string, Record<string, unknown>>>;
  /** Tokens allowed to read every secret. */
  readonly tokens?: readonly string[];
  /** Kubernetes auth: mount (default `kubernetes`), role and the one service account JWT bound to it. */
  readonly kubernetes?: { readonly mount?: string; readonly role: string; readonly jwt: string };
  /** Requests must carry this X-Vault-Namespace. */
  readonly namespace?: string;
  /** `hang`: accept connections and never answer (a Vault behind a stuck proxy). */
  readonly behaviour?: 'hang';
}

/** One request the fake received (the token is kept so tests can check what was sent). */
export interface VaultRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string | undefined;
  readonly namespace: string | undefined;
}

export interface FakeVault {
  readonly url: string;
  readonly requests: VaultRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The envelope Vault wraps every answer in. */
function envelope(fields: { data?: unknown; auth?: unknown }): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...fields };
}

/**
 * A local HTTP server answering the part of Vault's HTTP API the server uses, as Vault documents it:
 * `GET /v1/<mount>/data/<name>` (KV v2 read; `X-Vault-Token`; `{data: {data, metadata}}`; 403 without a
 * valid token, 404 for an unknown path) and `POST /v1/auth/<mount>/login {role, jwt}` (Kubernetes auth →
 * `{auth: {client_token, …}}`; 400 for an unknown role, 403 for a JWT not bound to it). Issued tokens
 * are accepted by the KV read. No real Vault can be installed where the tests run.
 */
export async function startFakeVault(options: FakeVaultOptions): Promise<FakeVault> {
  const requests: VaultRequest[] = [];
  const tokens = new Set(options.tokens ?? []);
  const k8s = options.kubernetes;
  const loginPath = `/v1/auth/${k8s?.mount ?? 'kubernetes'}/login`;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://vault').pathname;
      const token = req.headers['x-vault-token'] as string | undefined;
      const namespace = req.headers['x-vault-namespace'] as string | undefined;
      requests.push({ method: req.method ?? '', path, token, namespace });
      if (options.behaviour === 'hang') return;
      if (options.namespace !== undefined && namespace !== options.namespace) return send(res, 403, { errors: ['permission denied'] });
      if (req.method === 'POST' && k8s && path === loginPath) {
        const body = (await bodyOf(req)) as { role?: unknown; jwt?: unknown } | undefined;
        if (body?.role !== k8s.role) return send(res, 400, { errors: [`invalid role name "${String(body?.role)}"`] });
        if (body.jwt !== k8s.jwt) return send(res, 403, { errors: ['permission denied'] });
        const clientToken = `hvs.${randomUUID()}`;
        tokens.add(clientToken);
        return send(res, 200, envelope({ auth: { client_token: clientToken, accessor: randomUUID(), policies: ['default', 'mcp-tool-server'], token_policies: ['default', 'mcp-tool-server'], lease_duration: 3600, renewable: true } }));
      }
      if (req.method === 'GET' && path.startsWith('/v1/')) {
        if (!token || !tokens.has(token)) return send(res, 403, { errors: ['permission denied'] });
        const secret = options.secrets[path.slice('/v1/'.length)];
        if (!secret) return send(res, 404, { errors: [] });
        return send(res, 200, envelope({ data: { data: secret, metadata: { created_time: new Date(0).toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: 1 } } }));
      }
      return send(res, 404, { errors: [] });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
