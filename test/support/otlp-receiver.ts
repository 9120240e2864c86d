import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/** One received span, the same whether it came as OTLP/JSON or OTLP/protobuf. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean>;
  /** OTLP StatusCode: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly scope: string;
  readonly links: readonly { traceId: string; spanId: string }[];
  readonly resource: Record<string, string | number | boolean>;
}

/** A loopback OTLP/HTTP traces receiver (`POST /v1/traces`), as a collector would be. */
export interface OtlpReceiver {
  /** The base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Content types of the export requests received. */
  readonly contentTypes: string[];
  /** Headers of the last export request. */
  lastHeaders?: IncomingMessage['headers'];
  close(): Promise<void>;
}

// ---- a minimal protobuf reader (wire types 0, 1, 2, 5): enough for ExportTraceServiceRequest ----

interface Field {
  readonly number: number;
  readonly wire: number;
  readonly varint?: bigint;
  readonly bytes?: Buffer;
  readonly fixed?: Buffer;
}

function readVarint(buffer: Buffer, at: { pos: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (at.pos >= buffer.length) throw new Error('truncated varint');
    const byte = buffer[at.pos++];
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return result;
    shift += 7n;
    if (shift > 70n) throw new Error('varint too long');
  }
}

function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  const at = { pos: 0 };
  while (at.pos < buffer.length) {
    const key = Number(readVarint(buffer, at));
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ number, wire, varint: readVarint(buffer, at) });
    else if (wire === 1) out.push({ number, wire, fixed: buffer.subarray(at.pos, (at.pos += 8)) });
    else if (wire === 5) out.push({ number, wire, fixed: buffer.subarray(at.pos, (at.pos += 4)) });
    else if (wire === 2) {
      const length = Number(readVarint(buffer, at));
      out.push({ number, wire, bytes: buffer.subarray(at.pos, (at.pos += length)) });
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (f: Field | undefined): string => f?.bytes?.toString('utf8') ?? '';
const hex = (f: Field | undefined): string => f?.bytes?.toString('hex') ?? '';
const all = (list: Field[], n: number): Field[] => list.filter((f) => f.number === n);
const one = (list: Field[], n: number): Field | undefined => list.find((f) => f.number === n);

function protoAnyValue(buffer: Buffer): string | number | boolean {
  const f = fields(buffer)[0];
  if (!f) return '';
  switch (f.number) {
    case 1:
      return text(f);
    case 2:
      return f.varint !== 0n;
    case 3:
      return Number(BigInt.asIntN(64, f.varint ?? 0n));
    case 4:
      return f.fixed?.readDoubleLE(0) ?? 0;
    default:
      return '(complex)';
  }
}

function protoAttributes(list: Field[], n: number): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const kv of all(list, n)) {
    const parts = fields(kv.bytes ?? Buffer.alloc(0));
    out[text(one(parts, 1))] = protoAnyValue(one(parts, 2)?.bytes ?? Buffer.alloc(0));
  }
  return out;
}

function decodeProtobuf(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of all(fields(body), 1)) {
    const rs = fields(resourceSpans.bytes ?? Buffer.alloc(0));
    const resource = protoAttributes(fields(one(rs, 1)?.bytes ?? Buffer.alloc(0)), 1);
    for (const scopeSpans of all(rs, 2)) {
      const ss = fields(scopeSpans.bytes ?? Buffer.alloc(0));
      const scope = text(one(fields(one(ss, 1)?.bytes ?? Buffer.alloc(0)), 1));
      for (const spanField of all(ss, 2)) {
        const s = fields(spanField.bytes ?? Buffer.alloc(0));
        const status = fields(one(s, 15)?.bytes ?? Buffer.alloc(0));
        spans.push({
          traceId: hex(one(s, 1)),
          spanId: hex(one(s, 2)),
          parentSpanId: hex(one(s, 4)),
          name: text(one(s, 5)),
          kind: Number(one(s, 6)?.varint ?? 0n),
          attributes: protoAttributes(s, 9),
          statusCode: Number(one(status, 3)?.varint ?? 0n),
          statusMessage: text(one(status, 2)),
          scope,
          links: all(s, 13).map((link) => {
            const l = fields(link.bytes ?? Buffer.alloc(0));
            return { traceId: hex(one(l, 1)), spanId: hex(one(l, 2)) };
          }),
          resource,
        });
      }
    }
  }
  return spans;
}

// ---- OTLP/JSON ----

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; boolValue?: boolean; intValue?: string | number; doubleValue?: number };
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    out[key] = value.stringValue ?? value.boolValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? '(complex)'));
  }
  return out;
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: JsonKeyValue[];
  status?: { code?: number; message?: string };
  links?: { traceId: string; spanId: string }[];
}

function decodeJson(body: Buffer): ReceivedSpan[] {
  const request = JSON.parse(body.toString('utf8')) as {
    resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: JsonSpan[] }[] }[];
  };
  const spans: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = jsonAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: s.kind,
          attributes: jsonAttributes(s.attributes),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message ?? '',
          scope: ss.scope?.name ?? '',
          links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
          resource,
        });
      }
    }
  }
  return spans;
}

/**
 * Starts the receiver on a free loopback port. It decodes OTLP/HTTP protobuf (`application/x-protobuf`) and
 * JSON (`application/json`) export requests into `spans`, and answers 200 with an empty response.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: { spans: ReceivedSpan[]; contentTypes: string[]; lastHeaders?: IncomingMessage['headers'] } = { spans: [], contentTypes: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const type = String(req.headers['content-type'] ?? '');
      receiver.contentTypes.push(type);
      receiver.lastHeaders = req.headers;
      try {
        receiver.spans.push(...(type.includes('json') ? decodeJson(body) : decodeProtobuf(body)));
        res.writeHead(200, { 'content-type': type.includes('json') ? 'application/json' : 'application/x-protobuf' });
        res.end(type.includes('json') ? '{}' : undefined);
      } catch (error) {
        res.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
