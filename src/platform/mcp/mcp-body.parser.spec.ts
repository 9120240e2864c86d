import { request as httpRequest, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';
import { mcpBodyParser } from './mcp-body.parser';

const LIMIT_BYTES = 1024;
const LIMITS = { maxDepth: 8, maxElements: 16 };

interface Sent {
  readonly name: string;
  readonly body: string | Buffer;
  readonly headers?: Record<string, string>;
  /** Write the body in pieces, to exercise more than one chunk. */
  readonly split?: boolean;
}

interface Seen {
  readonly status: number;
  readonly body: unknown;
}

function app(plainReader: boolean): express.Express {
  const created = express();
  created.use(mcpBodyParser(LIMIT_BYTES, LIMITS, { plainReader }));
  created.post('/mcp', (req: Request, res: Response) => {
    res.json({ parsed: req.body as unknown });
  });
  return created;
}

async function send(port: number, sent: Sent): Promise<Seen> {
  const body = typeof sent.body === 'string' ? Buffer.from(sent.body) : sent.body;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { port, host: '127.0.0.1', method: 'POST', path: '/mcp', headers: { 'Content-Type': 'application/json', 'Content-Length': String(body.length), 'X-Request-ID': 'spec', ...sent.headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text === '' ? '' : (JSON.parse(text) as unknown) }));
      },
    );
    req.on('error', reject);
    if (sent.split && body.length > 1) {
      req.write(body.subarray(0, 1));
      setTimeout(() => req.end(body.subarray(1)), 5);
    } else {
      req.end(body);
    }
  });
}

const CASES: Sent[] = [
  { name: 'an object', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' },
  { name: 'an object in two chunks', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', split: true },
  { name: 'non-ASCII text', body: '{"text":"héllo ✓ 𝄞"}', split: true },
  { name: 'an empty body', body: '' },
  { name: 'blanks only', body: '  \n ' },
  { name: 'a leading byte-order mark', body: '\uFEFF{"a":1}' },
  { name: 'leading blanks', body: ' \t\r\n{"a":1}' },
  { name: 'a string', body: '"text"' },
  { name: 'a number', body: '12' },
  { name: 'null', body: 'null' },
  { name: 'malformed JSON', body: '{"a":' },
  { name: 'trailing garbage', body: '{"a":1} x' },
  { name: 'a batch', body: '[{"jsonrpc":"2.0","id":1,"method":"ping"}]' },
  { name: 'nesting over the depth limit', body: '{"a":'.repeat(9) + '1' + '}'.repeat(9) },
  { name: 'an array over the element limit', body: `{"a":[${Array.from({ length: 17 }, () => '1').join(',')}]}` },
  { name: 'invalid UTF-8', body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'a body at the limit', body: `{"a":"${'x'.repeat(LIMIT_BYTES - 8)}"}` },
  { name: 'a body over the limit', body: `{"a":"${'x'.repeat(LIMIT_BYTES)}"}` },
  { name: 'upper-case media type', body: '{"a":1}', headers: { 'Content-Type': 'APPLICATION/JSON' } },
  { name: 'charset=utf-8', body: '{"a":1}', headers: { 'Content-Type': 'application/json; charset=utf-8' } },
  { name: 'another charset', body: '{"a":1}', headers: { 'Content-Type': 'application/json; charset=latin1' } },
  { name: 'a type that is not JSON', body: '{"a":1}', headers: { 'Content-Type': 'text/plain' } },
];

describe('mcpBodyParser: the plain reader answers as body-parser does', () => {
  const servers: Server[] = [];
  const ports: number[] = [];

  beforeAll(async () => {
    for (const plain of [true, false]) {
      const server = app(plain).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      servers.push(server);
      ports.push((server.address() as AddressInfo).port);
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it.each(CASES.map((sent) => [sent.name, sent] as const))('%s', async (_name, sent) => {
    const plain = await send(ports[0], sent);
    const bodyParser = await send(ports[1], sent);
    expect(plain).toEqual(bodyParser);
  });

  it('parses what it reads (the comparison is not between two failures)', async () => {
    expect(await send(ports[0], CASES[2])).toEqual({ status: 200, body: { parsed: { text: 'héllo ✓ 𝄞' } } });
    expect(await send(ports[0], CASES[5])).toEqual({ status: 200, body: { parsed: { a: 1 } } });
    expect((await send(ports[0], CASES[13])).status).toBe(400);
  });
});
