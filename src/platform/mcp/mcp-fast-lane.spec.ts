import type { IncomingHttpHeaders } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/core/internal';
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { FAST_LANE_LEGACY_VERSIONS, recognizeFastRequest } from './mcp-fast-lane';

const isTool = (name: string): boolean => name === 'echo';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'spec', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const LEGACY_HEADERS: IncomingHttpHeaders = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};
const MODERN_HEADERS: IncomingHttpHeaders = {
  'content-type': 'application/json',
  'mcp-protocol-version': '2026-07-28',
  'mcp-method': 'tools/call',
  'mcp-name': 'echo',
};
const call = (params: Record<string, unknown> = { name: 'echo', arguments: { text: 'hi' } }, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params,
  ...extra,
});
const modernCall = (params: Record<string, unknown> = {}): Record<string, unknown> =>
  call({ name: 'echo', arguments: { text: 'hi' }, _meta: ENVELOPE, ...params });

describe('recognizeFastRequest', () => {
  it('takes a plain 2025-era tools/call and tools/list, with or without the version header', () => {
    expect(recognizeFastRequest(LEGACY_HEADERS, call(), isTool)).toEqual({ era: 'legacy', method: 'tools/call', id: 1, params: { name: 'echo', arguments: { text: 'hi' } } });
    expect(recognizeFastRequest(LEGACY_HEADERS, { jsonrpc: '2.0', id: 'x', method: 'tools/list' }, isTool)).toEqual({ era: 'legacy', method: 'tools/list', id: 'x' });
    const { 'mcp-protocol-version': _omitted, ...noVersion } = LEGACY_HEADERS;
    expect(recognizeFastRequest(noVersion, call({ name: 'echo' }), isTool)).toEqual({ era: 'legacy', method: 'tools/call', id: 1, params: { name: 'echo' } });
  });

  it('takes a 2026-07-28 call whose headers match its envelope and body', () => {
    expect(recognizeFastRequest(MODERN_HEADERS, modernCall(), isTool)).toMatchObject({ era: 'modern', method: 'tools/call', params: { name: 'echo' } });
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: ENVELOPE } };
    expect(recognizeFastRequest({ ...MODERN_HEADERS, 'mcp-method': 'tools/list', 'mcp-name': undefined }, list, isTool)).toEqual({ era: 'modern', method: 'tools/list', id: 2 });
  });

  it.each<[string, IncomingHttpHeaders, unknown]>([
    ['a progress token (answered as a stream)', LEGACY_HEADERS, call({ name: 'echo', _meta: { progressToken: 1 } })],
    ['a tools/list cursor', LEGACY_HEADERS, { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { cursor: 'abc' } }],
    ['an unknown tool (a JSON-RPC error)', LEGACY_HEADERS, call({ name: 'nope' })],
    ['arguments that are an array', LEGACY_HEADERS, call({ name: 'echo', arguments: [1] })],
    ['arguments that are null', LEGACY_HEADERS, call({ name: 'echo', arguments: null })],
    ['a name that is not a string', LEGACY_HEADERS, call({ name: 7 })],
    ['no params on a call', LEGACY_HEADERS, { jsonrpc: '2.0', id: 1, method: 'tools/call' }],
    ['an extra params key (a task request)', LEGACY_HEADERS, call({ name: 'echo', task: {} })],
    ['an extra top-level key', LEGACY_HEADERS, call(undefined, { extra: true })],
    ['a null id', LEGACY_HEADERS, call(undefined, { id: null })],
    ['a fractional id', LEGACY_HEADERS, call(undefined, { id: 1.5 })],
    ['an unsafe integer id', LEGACY_HEADERS, call(undefined, { id: 2 ** 60 })],
    ['a notification (no id)', LEGACY_HEADERS, { jsonrpc: '2.0', method: 'tools/list' }],
    ['another JSON-RPC version', LEGACY_HEADERS, call(undefined, { jsonrpc: '1.0' })],
    ['another method', LEGACY_HEADERS, { jsonrpc: '2.0', id: 1, method: 'prompts/list' }],
    ['a batch', LEGACY_HEADERS, [call()]],
    ['a _meta that is not an object', LEGACY_HEADERS, call({ name: 'echo', _meta: 'x' })],
    ['an Accept without SSE', { ...LEGACY_HEADERS, accept: 'application/json' }, call()],
    ['no Accept', { ...LEGACY_HEADERS, accept: undefined }, call()],
    ['a Content-Type that is not JSON', { ...LEGACY_HEADERS, 'content-type': 'text/plain' }, call()],
    ['a version the lane does not serve', { ...LEGACY_HEADERS, 'mcp-protocol-version': '2024-01-01' }, call()],
    ['a modern version header without the envelope', { ...LEGACY_HEADERS, 'mcp-protocol-version': '2026-07-28' }, call()],
    ['a modern call without Mcp-Name', { ...MODERN_HEADERS, 'mcp-name': undefined }, modernCall()],
    ['a modern call whose Mcp-Name differs', { ...MODERN_HEADERS, 'mcp-name': 'other' }, modernCall()],
    ['a modern call whose Mcp-Name is Base64-encoded', { ...MODERN_HEADERS, 'mcp-name': '=?base64?ZWNobw==?=' }, modernCall()],
    ['a modern call without Mcp-Method', { ...MODERN_HEADERS, 'mcp-method': undefined }, modernCall()],
    ['a modern call without the version header', { ...MODERN_HEADERS, 'mcp-protocol-version': undefined }, modernCall()],
    ['a modern envelope naming an unserved revision', MODERN_HEADERS, modernCall({ _meta: { ...ENVELOPE, 'io.modelcontextprotocol/protocolVersion': '2027-01-01' } })],
    ['a malformed modern envelope', MODERN_HEADERS, modernCall({ _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } })],
    ['a header repeated (an array in Node)', { ...LEGACY_HEADERS, 'content-type': ['application/json', 'application/json'] as unknown as string }, call()],
  ])('leaves %s to the SDK', (_case, headers, body) => {
    expect(recognizeFastRequest(headers, body, isTool)).toBeUndefined();
  });

  it('takes a request without _meta as the 2025 era exactly when the SDK classifies that very body so', () => {
    const bodies: Record<string, unknown>[] = [
      call(),
      call({ name: 'echo' }),
      call({ name: 'echo', arguments: { text: 'x'.repeat(10_000), nested: { result: 1, error: { code: 1 } } } }),
      { ...call(), id: 'string-id' },
      { ...call(), id: 2 ** 53 - 1 },
      { jsonrpc: '2.0', id: 3, method: 'tools/list' },
      { jsonrpc: '2.0', id: 'x', method: 'tools/list', params: {} },
    ];
    for (const version of [undefined, ...FAST_LANE_LEGACY_VERSIONS]) {
      const headers: IncomingHttpHeaders = { ...LEGACY_HEADERS, 'mcp-protocol-version': version };
      for (const body of bodies) {
        const sdk = classifyInboundRequest({ httpMethod: 'POST', body, ...(version ? { protocolVersionHeader: version } : {}) });
        expect([recognizeFastRequest(headers, body, isTool)?.era, sdk]).toEqual(['legacy', { kind: 'legacy', reason: 'no-claim', ...(version ? { requestedVersion: version } : {}) }]);
      }
    }
  });

  it('serves only 2025-era revisions the SDK serves (an SDK that drops one fails here)', () => {
    for (const version of FAST_LANE_LEGACY_VERSIONS) expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(version);
  });
});
