import { connect } from 'node:net';

/** The protocol's CancelRequest code: 1234 in the high 16 bits, 5678 in the low 16 bits. */
const CANCEL_REQUEST_CODE = 80_877_102;
const DEFAULT_TIMEOUT_MS = 2_000;

/** What pg's Client knows about its backend once connected (not in the driver's type declarations). */
interface BackendOf {
  readonly host?: string;
  readonly port?: number;
  readonly processID?: number | null;
  readonly secretKey?: number | null;
}

/**
 * Asks the server to cancel whatever the connection of `client` is running, the way `psql` does on
 * Ctrl-C: a 16-byte CancelRequest on a new socket (no login, no pool slot; the server closes the socket
 * when done). Resolves to whether the request was sent; never rejects. The server may still finish the
 * statement before it sees the request, so the caller must not reuse the connection for another query.
 */
export function sendCancelRequest(client: object, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  const { host, port, processID, secretKey } = client as BackendOf;
  if (typeof processID !== 'number' || typeof secretKey !== 'number' || typeof port !== 'number' || !host) {
    return Promise.resolve(false);
  }
  return new Promise<boolean>((resolve) => {
    let sent = false;
    const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.once('connect', () => {
      const request = Buffer.alloc(16);
      request.writeInt32BE(16, 0);
      request.writeInt32BE(CANCEL_REQUEST_CODE, 4);
      request.writeInt32BE(processID, 8);
      request.writeInt32BE(secretKey, 12);
      socket.end(request, () => (sent = true));
    });
    socket.on('error', () => undefined); // 'close' follows and settles
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(sent);
    });
  });
}
