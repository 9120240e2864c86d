import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request, Response } from 'express';
import { ExpressServerAdapter } from './express-server.adapter';

describe('ExpressServerAdapter', () => {
  let server: Server;
  let app: express.Express;
  const seen: { request: unknown; response: unknown }[] = [];

  beforeAll(async () => {
    app = express();
    const adapter = new ExpressServerAdapter(app);
    adapter.initHttpServer({});
    server = adapter.getHttpServer() as Server;
    // Ahead of the app, as the direct /mcp route is: the objects already have Express's prototypes.
    const listener = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      seen.push({ request: Object.getPrototypeOf(req), response: Object.getPrototypeOf(res) });
      listener(req, res);
    });
    app.post('/echo', express.json(), (req: Request, res: Response) => {
      res.status(201).json({ body: req.body as unknown, ip: req.ip, host: req.get('host') });
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('makes request and response objects with the app prototypes, and Express serves them as usual', async () => {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ body: { a: 1 }, ip: '127.0.0.1', host: `127.0.0.1:${port}` });
    expect(seen).toHaveLength(1);
    expect(seen[0].request).toBe(app.request);
    expect(seen[0].response).toBe(app.response);
  });

  it('keeps Nest own server for HTTPS options', () => {
    const other = new ExpressServerAdapter(express());
    const initialise = jest.spyOn(Object.getPrototypeOf(ExpressServerAdapter.prototype) as { initHttpServer: () => void }, 'initHttpServer');
    try {
      other.initHttpServer({ httpsOptions: {} });
      expect(initialise).toHaveBeenCalledTimes(1);
    } finally {
      initialise.mockRestore();
    }
  });
});
