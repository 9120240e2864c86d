// A tiny stand-in for the customers API of examples/customers-api.openapi.yaml, to try the REST tools
// (get_customer and the OpenAPI tools) from the Inspector. In memory; loopback only.
//   node examples/customers-upstream.mjs            # listens on 127.0.0.1:8080 (PORT to change)
//   API_BASE_URL=http://127.0.0.1:8080 OPENAPI_SPEC=examples/customers-api.openapi.yaml OPENAPI_EXCLUDE=internal npm start
// Serves GET /customers?limit&offset, POST /customers, GET and DELETE /customers/:id, GET /health.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const quiet = process.env.QUIET === '1';
const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'];
const customers = new Map(
  Array.from({ length: 20 }, (_, index) => {
    const id = index + 1;
    const name = `${names[index % names.length]}${index >= names.length ? ` ${Math.floor(index / names.length) + 1}` : ''}`;
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.test`;
    return [String(id), { id, name, email, created_at: new Date(Date.UTC(2024, 0, id)).toISOString() }];
  }),
);
let nextId = customers.size + 1;

const send = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

const readJson = (req) =>
  new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(undefined);
      }
    });
  });

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://upstream');
  if (!quiet) console.log(`${req.method} ${req.url} request_id=${req.headers['x-request-id'] ?? '-'}`);
  if (url.pathname === '/health' && req.method === 'GET') return send(res, 200, { status: 'ok' });
  if (url.pathname === '/customers' && req.method === 'GET') {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 100);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const all = [...customers.values()];
    return send(res, 200, { items: all.slice(offset, offset + limit), total: all.length });
  }
  if (url.pathname === '/customers' && req.method === 'POST') {
    const body = await readJson(req);
    if (!body || typeof body.name !== 'string' || typeof body.email !== 'string') return send(res, 422, { error: 'invalid' });
    const customer = { id: nextId++, name: body.name, email: body.email, created_at: new Date().toISOString() };
    customers.set(String(customer.id), customer);
    return send(res, 201, customer);
  }
  const match = /^\/customers\/([^/]+)$/.exec(url.pathname);
  if (match && req.method === 'GET') {
    const customer = customers.get(decodeURIComponent(match[1]));
    return customer ? send(res, 200, customer) : send(res, 404, { error: 'not found' });
  }
  if (match && req.method === 'DELETE') {
    return customers.delete(decodeURIComponent(match[1])) ? send(res, 204) : send(res, 404, { error: 'not found' });
  }
  return send(res, req.method === 'GET' ? 404 : 405, { error: 'not found' });
}).listen(port, '127.0.0.1', () => console.log(`customers upstream on http://127.0.0.1:${port}`));
