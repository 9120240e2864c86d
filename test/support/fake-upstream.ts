import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request the fake received. */
export interface RecordedRequest {
  readonly method: string;
  /** The raw request target, exactly as sent (path and query, still percent-encoded). */
  readonly url: string;
  /** The path part of `url`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** performance.now() when it arrived. */
  readonly at: number;
  /** The client went away before the answer was complete (cancelled, timed out, stopped reading). */
  aborted: boolean;
  /** Bytes of body written to the socket (the `huge` behaviour stops when the client goes away). */
  bytesWritten: number;
  /** The client's port: the same port on two requests means one kept-alive connection. */
  readonly remotePort: number | undefined;
}

/** How the fake answers one request. */
export type FakeBehaviour =
  | {
      readonly kind: 'json';
      readonly status?: number;
      readonly body: unknown;
      readonly headers?: Record<string, string>;
      /** Answer after this long. */
      readonly delayMs?: number;
    }
  | { readonly kind: 'status'; readonly status: number; readonly headers?: Record<string, string> }
  /** Never answers (until the client aborts or the fake closes). */
  | { readonly kind: 'hang' }
  /** Destroys the socket without an answer. */
  | { readonly kind: 'reset' }
  /** A chunked JSON-typed body of `bytes` bytes, written with back-pressure. */
  | { readonly kind: 'huge'; readonly bytes: number }
  | { readonly kind: 'redirect'; readonly location: string; readonly status?: number };

export interface FakeCustomer {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  readonly created_at: string;
  readonly [extra: string]: unknown;
}

export const FAKE_CUSTOMERS: readonly FakeCustomer[] = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.test', created_at: '2024-01-02T03:04:05.000Z', tier: 'gold' },
  { id: 2, name: 'Alan Turing', email: 'alan@example.test', created_at: '2024-02-03T04:05:06.000Z' },
  { id: 42, name: 'Grace Hopper', email: 'grace@example.test', created_at: '2024-03-04T05:06:07.000Z' },
];

/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for the upstream API. By default it serves
 * `GET {prefix}/customers/:id` from FAKE_CUSTOMERS (404 JSON for others) and `GET {prefix}/health`.
 * `script(path, ...behaviours)` makes the next requests to `path` (without query; `*` for any path)
 * behave as listed, one behaviour each, before the default applies again; `always(path, behaviour)` sticks.
 * Every request is recorded in `requests`.
 *
 * @example
 * const fake = await FakeUpstream.start();
 * fake.script('/customers/1', { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
 * // ... two 500s, then the customer
 * await fake.close();
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private readonly scripts = new Map<string, FakeBehaviour[]>();
  private readonly sticky = new Map<string, FakeBehaviour>();
  private readonly waiters: { predicate: () => boolean; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly prefix: string,
  ) {}

  /** Starts the fake; `prefix` is the base path it serves under (e.g. `/api`). */
  static async start(options: { prefix?: string } = {}): Promise<FakeUpstream> {
    const server = createServer({ keepAlive: true });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeUpstream(server, `http://127.0.0.1:${port}`, options.prefix ?? '');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => fake.handle(req, res));
    return fake;
  }

  script(path: string, ...behaviours: FakeBehaviour[]): void {
    this.scripts.set(path, [...(this.scripts.get(path) ?? []), ...behaviours]);
  }

  always(path: string, behaviour: FakeBehaviour): void {
    this.sticky.set(path, behaviour);
  }

  /** `times` answers of `status` to `path`, then the default. */
  failTimes(path: string, times: number, status = 500): void {
    this.script(path, ...Array.from({ length: times }, () => ({ kind: 'status', status }) as const));
  }

  /** Forgets recorded requests, scripts and sticky behaviours. */
  reset(): void {
    this.requests.length = 0;
    this.scripts.clear();
    this.sticky.clear();
  }

  /** Requests whose path (without query) is `path`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  /** Resolves once `predicate` holds (checked after each request event), or rejects after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('FakeUpstream.until timed out')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate()) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      url,
      path,
      headers: req.headers,
      at: performance.now(),
      aborted: false,
      bytesWritten: 0,
      remotePort: req.socket.remotePort,
    };
    this.requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) record.aborted = true;
      this.notify();
    });
    req.resume();
    this.notify();
    const behaviour = this.next(path) ?? this.sticky.get(path) ?? this.sticky.get('*') ?? this.route(req.method ?? 'GET', path);
    this.answer(behaviour, req, res, record);
  }

  private next(path: string): FakeBehaviour | undefined {
    for (const key of [path, '*']) {
      const queue = this.scripts.get(key);
      if (queue && queue.length > 0) return queue.shift();
    }
    return undefined;
  }

  private route(method: string, path: string): FakeBehaviour {
    if (!path.startsWith(`${this.prefix}/`) || method !== 'GET') return { kind: 'json', status: 404, body: { error: 'no such route' } };
    const rest = path.slice(this.prefix.length);
    if (rest === '/health') return { kind: 'json', body: { status: 'ok' } };
    const match = /^\/customers\/([^/]+)$/.exec(rest);
    if (!match) return { kind: 'json', status: 404, body: { error: 'no such route' } };
    const customer = FAKE_CUSTOMERS.find((candidate) => String(candidate.id) === match[1]);
    return customer
      ? { kind: 'json', body: customer }
      : { kind: 'json', status: 404, body: { error: `customer ${match[1]} does not exist (internal detail)` } };
  }

  private answer(behaviour: FakeBehaviour, req: IncomingMessage, res: ServerResponse, record: RecordedRequest): void {
    switch (behaviour.kind) {
      case 'json': {
        const body = JSON.stringify(behaviour.body);
        const send = (): void => {
          if (res.destroyed) return;
          res.writeHead(behaviour.status ?? 200, { 'Content-Type': 'application/json', ...behaviour.headers });
          record.bytesWritten = Buffer.byteLength(body);
          res.end(body);
        };
        if (behaviour.delayMs) setTimeout(send, behaviour.delayMs);
        else send();
        return;
      }
      case 'status':
        res.writeHead(behaviour.status, { 'Content-Type': 'application/json', ...behaviour.headers });
        res.end(JSON.stringify({ error: `upstream secret detail ${behaviour.status}` }));
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'redirect':
        res.writeHead(behaviour.status ?? 302, { Location: behaviour.location });
        res.end();
        return;
      case 'huge':
        void this.writeHuge(behaviour.bytes, res, record);
        return;
    }
  }

  private async writeHuge(bytes: number, res: ServerResponse, record: RecordedRequest): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    res.write('"');
    while (record.bytesWritten < bytes && !res.destroyed) {
      const ok = res.write(chunk);
      record.bytesWritten += chunk.length;
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
      }
    }
    if (!res.destroyed) res.end('"');
  }
}
