// A tiny stand-in for the customers API, to try the REST tools (get_customer) from the Inspector:
//   node examples/customers-upstream.mjs            # listens on 127.0.0.1:8080 (PORT to change)
//   API_BASE_URL=http://127.0.0.1:8080 npm start
// Serves GET /customers/:id (ids 1-20; 404 otherwise) and GET /health. Loopback only.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const names = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov'];
const customers = new Map(
  Array.from({ length: 20 }, (_, index) => {
    const id = index + 1;
    const name = `${names[index % names.length]}${index >= names.length ? ` ${Math.floor(index / names.length) + 1}` : ''}`;
    const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.test`;
    return [String(id), { id, name, email, created_at: new Date(Date.UTC(2024, 0, id)).toISOString() }];
  }),
);

const send = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const requestId = req.headers['x-request-id'] ?? '-';
  console.log(`${req.method} ${req.url} request_id=${requestId}`);
  if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
  if (path === '/health') return send(res, 200, { status: 'ok' });
  const match = /^\/customers\/([^/]+)$/.exec(path);
  const customer = match && customers.get(match[1]);
  if (customer) return send(res, 200, customer);
  return send(res, 404, { error: 'not found' });
}).listen(port, '127.0.0.1', () => console.log(`customers upstream on http://127.0.0.1:${port}`));
