import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stream } from 'node:stream';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioTransportV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioTransportV2 } from '@modelcontextprotocol/client/stdio';
import { waitFor } from '../support/wait';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');
const MODERN = '2026-07-28';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STARTED = 'mcp-tool-server serving MCP over stdio';

/** Exactly PATH and debug logs: no config variable of the developer's leaks in. */
const serverEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', LOG_LEVEL: 'debug' });

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function collect(stream: Stream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

interface ConnectedClient {
  readonly client: ClientV1 | ClientV2;
  readonly stderr: () => string;
}

/** The SDK's own stdio transports spawn `node dist/main.js --stdio`, as Claude Desktop would. */
async function connectV1(cwd: string): Promise<ConnectedClient> {
  const transport = new StdioTransportV1({ command: process.execPath, args: [MAIN, '--stdio'], cwd, env: serverEnv(), stderr: 'pipe' });
  const stderr = collect(transport.stderr);
  const client = new ClientV1({ name: 'stdio-e2e-v1', version: '1.0.0' });
  await withTimeout(client.connect(transport), 20_000, 'the v1 client to connect');
  return { client, stderr };
}

async function connectV2(cwd: string): Promise<ConnectedClient> {
  const transport = new StdioTransportV2({ command: process.execPath, args: [MAIN, '--stdio'], cwd, env: serverEnv(), stderr: 'pipe' });
  const stderr = collect(transport.stderr);
  const client = new ClientV2({ name: 'stdio-e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
  await withTimeout(client.connect(transport), 20_000, 'the v2 client to connect');
  expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
  return { client, stderr };
}

interface RawServer {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  send(message: unknown): void;
}

/** The server process with its stdin/stdout in our hands, to check the bytes on the wire. */
function spawnRaw(cwd: string): RawServer {
  const child = spawn(process.execPath, [MAIN, '--stdio'], { cwd, env: serverEnv(), stdio: 'pipe' });
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const send = (message: unknown): void => {
    child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  };
  return { child, stdout, stderr, exited, send };
}

const linesOf = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

describe('MCP over stdio (node dist/main.js --stdio)', () => {
  let cwd: string;

  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first (npm test does)`);
    cwd = mkdtempSync(join(tmpdir(), 'mcp-tool-server-stdio-'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  describe.each([
    ['2025 era, v1 SDK client', connectV1],
    ['2026-07-28 era, v2 SDK client', connectV2],
  ])('%s', (_era, connect) => {
    let connected: ConnectedClient;

    beforeAll(async () => {
      connected = await connect(cwd);
    });
    afterAll(() => withTimeout(connected.client.close(), 10_000, 'the client to close'));

    it('lists the tools', async () => {
      const { tools } = await connected.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('echo');
    });

    it('calls echo: structured content with a fresh request id per call, audited as the local user', async () => {
      const first = await connected.client.callTool({ name: 'echo', arguments: { text: 'hello over stdio' } });
      const second = await connected.client.callTool({ name: 'echo', arguments: { text: 'again' } });
      expect(first.isError).toBeFalsy();
      expect(first.structuredContent).toEqual({ text: 'hello over stdio', request_id: expect.stringMatching(UUID) });
      const ids = [first, second].map((result) => (result.structuredContent as { request_id: string }).request_id);
      expect(new Set(ids).size).toBe(2);

      await waitFor(() => connected.stderr().includes(ids[1]), 5_000, 'the audit line on stderr');
      const audit = linesOf(connected.stderr())
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry.audit === true && entry.request_id === ids[0]);
      expect(audit).toMatchObject({ tool: 'echo', door: 'stdio', key_id: 'local', outcome: 'ok' });
    });

    it('answers a bad argument with an isError result naming the field', async () => {
      const result = await connected.client.callTool({ name: 'echo', arguments: { text: 42 } });
      expect(result.isError).toBe(true);
      const body = JSON.parse((result.content as { text: string }[])[0].text) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([{ field: 'text', message: 'must be a string' }]) });
      expect(body.request_id).toMatch(UUID);
    });
  });

  it('writes nothing but JSON-RPC to stdout, logs to stderr, and exits 0 when stdin closes', async () => {
    const server = spawnRaw(cwd);
    try {
      server.send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
      });
      server.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      server.send('this is not JSON');
      server.send({ not: 'a JSON-RPC message' });
      server.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      await waitFor(() => linesOf(server.stdout()).length >= 2, 20_000, 'two responses on stdout');
      await waitFor(() => server.stderr().includes('MCP stdio message rejected'), 5_000, 'the bad line to be logged');

      const messages = linesOf(server.stdout()).map((line) => JSON.parse(line) as Record<string, unknown>);
      for (const message of messages) expect(message.jsonrpc).toBe('2.0');
      expect(messages.map((message) => message.id)).toEqual([1, 2]);
      expect(messages[0]).toMatchObject({ result: { protocolVersion: '2025-11-25', serverInfo: { name: 'mcp-tool-server' } } });
      expect((messages[1].result as { tools: { name: string }[] }).tools.map((tool) => tool.name)).toContain('echo');

      const stderr = server.stderr();
      expect(stderr).toContain(STARTED);
      expect(stderr).not.toContain('Development API key');
      for (const line of linesOf(stderr)) expect(JSON.parse(line)).toHaveProperty('level');

      server.child.stdin.end();
      expect(await withTimeout(server.exited, 5_000, 'the process to exit after stdin closed')).toBe(0);
      expect(server.stderr()).toContain('stdin closed');
      expect(linesOf(server.stdout())).toHaveLength(2);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('exits 0 on SIGTERM', async () => {
    const server = spawnRaw(cwd);
    try {
      await waitFor(() => server.stderr().includes(STARTED), 20_000, 'the startup line');
      server.child.kill('SIGTERM');
      expect(await withTimeout(server.exited, 5_000, 'the process to exit after SIGTERM')).toBe(0);
      expect(server.stderr()).toContain('SIGTERM received');
      expect(server.stdout()).toBe('');
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
