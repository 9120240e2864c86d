import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AuthProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy to `target` that adds `Authorization` to every request and passes everything else
 * through unchanged (Host and Origin included, so DNS-rebinding checks still see the caller's): for clients
 * that cannot send a key, such as the conformance CLI.
 */
export async function startAuthProxy(target: string, authorization: string): Promise<AuthProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forward = request(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, authorization } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
