import fc from 'fast-check';
import { anyHostileValue, deepValue, edgeString, hugeStringValue, prototypePayload, rawNumber } from './hostile-values';
import { LEGACY_VERSION, MODERN_VERSION, modernMeta } from './hostile-http';
import { objectWith, RawJson, toJsonText } from './raw-json';

/** Methods the server serves, methods it does not, and notifications. */
const METHODS = [
  'tools/list',
  'tools/call',
  'ping',
  'initialize',
  'server/discover',
  'resources/list',
  'resources/read',
  'resources/templates/list',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
] as const;

/** Sensible params for a method, before mutation: the envelope, not the tool, is under test here. */
function paramsFor(method: string): Record<string, unknown> {
  switch (method) {
    case 'tools/call':
      return { name: 'echo', arguments: { text: 'hi' } };
    case 'initialize':
      return { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: { name: 'fuzz', version: '1' } };
    case 'resources/read':
      return { uri: 'rag://documents/00000000-0000-4000-8000-000000000000' };
    case 'notifications/cancelled':
      return { requestId: 1, reason: 'fuzz' };
    case 'notifications/progress':
      return { progressToken: 1, progress: 1 };
    case 'logging/setLevel':
      return { level: 'debug' };
    default:
      return {};
  }
}

const absent = fc.constant(undefined);

/** Bytes above which a body is always sent as `application/json` (see toEnvelope). */
const LARGE_BODY = 256 * 1024;

const idValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: absent },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, {}, [], [1], { id: 1 }),
      fc.double(),
      rawNumber,
      edgeString,
      fc.constant(new RawJson(JSON.stringify('i'.repeat(100_000)), 'id of 100,000 characters')),
      prototypePayload,
    ),
  },
);

const jsonrpcValue = fc.oneof({ weight: 6, arbitrary: fc.constant<unknown>('2.0') }, { weight: 2, arbitrary: fc.constantFrom<unknown>('1.0', '2', 2, null, '', '2.0 ', ['2.0'], undefined) });

const methodValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 2, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), edgeString, fc.constantFrom('tools/', '/', 'rpc.discover', '__proto__', 'constructor', 'tools/call/')) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 42, ['tools/list'], { name: 'tools/list' }) },
);

/** Any hostile value; with `deep`, sometimes one nested up to 100,000 levels. */
const junk = (deep: boolean): fc.Arbitrary<unknown> => (deep ? fc.oneof(anyHostileValue, deepValue) : anyHostileValue);

/** `_meta` as a 2026-07-28 client sends it, and junk in its place or in its keys. */
const metaValue = (deep: boolean): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 3, arbitrary: fc.constant(modernMeta()) },
  { weight: 2, arbitrary: absent },
  {
    weight: 4,
    arbitrary: fc
      .record({
        key: fc.constantFrom(
          'io.modelcontextprotocol/protocolVersion',
          'io.modelcontextprotocol/clientInfo',
          'io.modelcontextprotocol/clientCapabilities',
          'progressToken',
          'traceparent',
          '__proto__',
        ),
        value: fc.oneof(junk(deep), hugeStringValue),
      })
      .map(({ key, value }) => objectWith([...Object.entries(modernMeta()), [key, value]])),
  },
  { weight: 1, arbitrary: junk(deep) },
);

export interface Envelope {
  readonly httpMethod: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
}

/** What to do to the body's bytes after it is written: nothing, mostly. */
const bodyDamage = fc.oneof(
  { weight: 12, arbitrary: fc.constant('none' as const) },
  { weight: 1, arbitrary: fc.constantFrom('truncate' as const, 'trailing-garbage' as const, 'bom' as const, 'invalid-utf8' as const, 'empty' as const, 'not-an-object' as const) },
);

const versionHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<string | undefined>(LEGACY_VERSION, MODERN_VERSION) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '2025-06-18', '2025-03-26', '2024-11-05', '1999-01-01', 'latest', '', '2026-07-28, 2025-11-25') },
);

/** The pieces of one envelope; fast-check shrinks and prints these (a 1 MB value by its label). */
export type EnvelopeParts = ReturnType<typeof envelopeParts> extends fc.Arbitrary<infer T> ? T : never;

/**
 * A JSON-RPC request or notification to `/mcp`, sensible to start with and then bent: any `jsonrpc`, an id
 * of every type (or none), any method, params of the wrong type, junk `_meta`, extra fields, both protocol
 * eras' headers (and wrong ones), and now and then a damaged body or another HTTP method. With `deep`,
 * values nested up to 100,000 levels appear in params and `_meta`.
 */
export function envelopeParts(deep: boolean) {
  return fc.record({
    jsonrpc: jsonrpcValue,
    id: idValue,
    method: methodValue,
    params: fc.oneof({ weight: 6, arbitrary: fc.constant('sensible' as const) }, { weight: 2, arbitrary: fc.oneof(junk(deep), fc.constant(undefined)) }),
    meta: metaValue(deep),
    extra: fc.dictionary(fc.oneof(fc.constantFrom('result', 'error', 'params', 'method', '__proto__', 'constructor', '_meta'), fc.string({ maxLength: 8 })), anyHostileValue, { maxKeys: 2 }),
    version: versionHeader,
    methodHeader: fc.oneof(fc.constant('match' as const), absent, fc.constantFrom('tools/list', 'tools/call', 'x', '\u00e9')),
    nameHeader: fc.oneof(fc.constant('match' as const), absent, fc.constantFrom('sql_query', 'nope', '')),
    accept: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json, text/event-stream') }, { weight: 1, arbitrary: fc.constantFrom('application/json', 'text/event-stream', '*/*', '', 'text/html') }),
    contentType: fc.oneof(
      { weight: 10, arbitrary: fc.constant('application/json') },
      { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'application/json-rpc') },
    ),
    httpMethod: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS') }),
    damage: bodyDamage,
  });
}

/** The HTTP request `parts` describe, authorised with `key`. */
export function toEnvelope(parts: EnvelopeParts, key: string): Envelope {
  const method = parts.method;
  let params: unknown = parts.params === 'sensible' ? (typeof method === 'string' ? paramsFor(method) : {}) : parts.params;
  if (parts.meta !== undefined && typeof params === 'object' && params !== null && !Array.isArray(params) && !(params instanceof RawJson)) {
    params = objectWith([...Object.entries(params), ['_meta', parts.meta]]);
  }
  const message = objectWith([
    ...(parts.jsonrpc !== undefined ? [['jsonrpc', parts.jsonrpc] as const] : []),
    ...(parts.id !== undefined ? [['id', parts.id] as const] : []),
    ...(method !== undefined ? [['method', method] as const] : []),
    ...(params !== undefined ? [['params', params] as const] : []),
    ...Object.entries(parts.extra),
  ]);
  const headers: Record<string, string> = { Authorization: `Bearer ${key}`, Accept: parts.accept, 'Content-Type': parts.contentType };
  if (parts.version !== undefined) headers['MCP-Protocol-Version'] = parts.version;
  if (parts.methodHeader !== undefined) headers['Mcp-Method'] = parts.methodHeader === 'match' ? (typeof method === 'string' ? method : '') : parts.methodHeader;
  if (parts.nameHeader !== undefined) headers['Mcp-Name'] = parts.nameHeader === 'match' ? 'echo' : parts.nameHeader;
  // A header carries bytes: send a value's UTF-8 as they are, without the controls fetch refuses to send.
  const sendable = (value: string): string => [...value].filter((c) => c === '\t' || (c >= ' ' && c !== '\x7f')).join('');
  for (const [name, value] of Object.entries(headers)) headers[name] = Buffer.from(sendable(value), 'utf8').toString('latin1');
  const takesBody = !['GET', 'DELETE', 'OPTIONS'].includes(parts.httpMethod);
  const body = takesBody ? damaged(toJsonText(message), parts.damage) : undefined;
  // A body the server refuses unread (not JSON) is answered at once and the socket closed while a
  // megabyte upload is still going: fetch then reports a reset, not the answer. Big bodies go as JSON.
  if (body !== undefined && body.length > LARGE_BODY) headers['Content-Type'] = 'application/json';
  return { httpMethod: parts.httpMethod, headers, body };
}

function damaged(text: string, damage: 'none' | 'truncate' | 'trailing-garbage' | 'bom' | 'invalid-utf8' | 'empty' | 'not-an-object'): string | Uint8Array {
  switch (damage) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, Math.floor(text.length / 2));
    case 'trailing-garbage':
      return `${text} }{ garbage`;
    case 'bom':
      return `\uFEFF${text}`;
    case 'invalid-utf8':
      return Buffer.concat([Buffer.from(text.slice(0, -1)), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from(text.slice(-1))]);
    case 'empty':
      return '';
    case 'not-an-object':
      return JSON.stringify(text);
  }
}
