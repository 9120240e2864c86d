import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, JWK } from 'jose';
import { freePort } from './free-port';
import { waitFor } from './wait';

const SCRIPT = join(__dirname, 'oidc-provider.mjs');

export interface TestClient {
  readonly client_id: string;
  readonly client_secret: string;
}

export interface AuthorizationServerOptions {
  readonly clients: readonly TestClient[];
  /** Resource indicator → the scopes a token for it may carry (space-separated). */
  readonly resources: Readonly<Record<string, string>>;
}

/** A real oidc-provider in a child process on a loopback port (see oidc-provider.mjs). */
export interface AuthorizationServer {
  readonly issuer: string;
  /** The private signing keys, the first one signs (tests forge tokens with them). */
  readonly keys: () => readonly JWK[];
  /** A client-credentials access token for `resource` (RFC 8707) with the requested scopes. */
  token(client: TestClient, resource: string, scope: string): Promise<string>;
  /** Restarts on the same port with a new signing key first and the old ones still published: a key rotation. */
  rotate(): Promise<JWK>;
  stop(): Promise<void>;
}

/** A fresh RSA signing key as a private JWK with its `kid`. */
export async function newSigningKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

async function spawnProvider(port: number, keys: readonly JWK[], options: AuthorizationServerOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SCRIPT, JSON.stringify({ port, keys, ...options })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.resume();
  child.once('exit', () => (exited = true));
  await waitFor(() => out.includes('ready ') || exited, 15_000, 'oidc-provider to listen');
  if (exited) throw new Error(`oidc-provider exited: ${out}`);
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const port = await freePort();
  let keys: JWK[] = [await newSigningKey('key-1')];
  let child = await spawnProvider(port, keys, options);
  const issuer = `http://127.0.0.1:${port}`;
  return {
    issuer,
    keys: () => keys,
    async token(client, resource, scope) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (!response.ok || !body.access_token) throw new Error(`token request failed: ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async rotate() {
      const fresh = await newSigningKey(`key-${keys.length + 1}`);
      keys = [fresh, ...keys];
      await stopChild(child);
      child = await spawnProvider(port, keys, options);
      return fresh;
    },
    stop: () => stopChild(child),
  };
}
