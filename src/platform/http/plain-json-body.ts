import type { IncomingMessage } from 'node:http';

/** The Content-Type spellings read here; any other one (another charset, parameters, case) goes to body-parser. */
const PLAIN_JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);
const MAX_SAFE_LENGTH = /^\d{1,15}$/;

/** A body this reader refuses: the status and `type` body-parser gives the same failure. */
export class PlainJsonBodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'entity.parse.failed' | 'request.aborted',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Whether `readPlainJsonBody` takes this request: the common shape of an agent's POST, a JSON body of a declared
 * length within `limitBytes`, UTF-8, uncompressed. body-parser reads every other shape (chunked, compressed,
 * another charset, over the limit, no body), with its own answers; what is read here is read as it would
 * read it (see the function).
 */
export function isPlainJsonBody(req: IncomingMessage, limitBytes: number): boolean {
  const { headers } = req;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  const type = headers['content-type'];
  if (type === undefined || !PLAIN_JSON_TYPES.has(type.toLowerCase())) return false;
  const length = headers['content-length'];
  return length !== undefined && MAX_SAFE_LENGTH.test(length) && Number(length) <= limitBytes;
}

/**
 * Reads and parses a body `isPlainJsonBody` took, as body-parser's `json()` (strict) does: `verify` sees the
 * raw bytes first and may throw; a UTF-8 byte-order mark is dropped; an empty body is `{}`; the first
 * non-blank character must open an object or an array; anything JSON.parse refuses is a 400 parse failure.
 * The declared length bounds what is kept: Node's parser delivers no more than it.
 */
export function readPlainJsonBody(
  req: IncomingMessage,
  verify: (body: Buffer) => void,
  done: (error: unknown, body?: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const finish = (error: unknown, body?: unknown): void => {
    if (settled) return;
    settled = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('aborted', onAborted);
    req.off('error', onAborted);
    done(error, body);
  };
  const onData = (chunk: Buffer): void => void chunks.push(chunk);
  const onAborted = (): void => finish(new PlainJsonBodyError(400, 'request.aborted', 'request aborted'));
  const onEnd = (): void => {
    try {
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      verify(raw);
      finish(undefined, parseStrictJson(raw.toString('utf8')));
    } catch (error) {
      finish(error);
    }
  };
  req.on('data', onData);
  req.once('end', onEnd);
  req.once('aborted', onAborted);
  req.once('error', onAborted);
}

function parseStrictJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = firstNonBlank(body);
  if (first !== '{' && first !== '[') throw new PlainJsonBodyError(400, 'entity.parse.failed', 'Unexpected token: a JSON body must be an object or an array');
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new PlainJsonBodyError(400, 'entity.parse.failed', (error as Error).message);
  }
}

function firstNonBlank(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return c;
  }
  return undefined;
}
