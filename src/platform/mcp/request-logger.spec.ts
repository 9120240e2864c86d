import { Writable } from 'node:stream';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { REDACTED_PATHS } from '../logging/logging.module';
import { flatLineLogger, rootLogger } from './request-logger';

function capture(level = 'info'): { fallback: PinoLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level, base: { service: 'spec' }, mixin: () => ({ trace_id: 't' }), redact: { paths: REDACTED_PATHS, censor: '[Redacted]' } }, stream);
  return { fallback: { logger: root } as unknown as PinoLogger, lines };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('flatLineLogger', () => {
  it('writes a flat line exactly as the redacting root logger does (redaction names only properties of objects)', async () => {
    const { fallback, lines } = capture();
    const fields = { request_id: 'r1', password: 'p', authorization: 'a', api_key: 'k', duration_ms: 1.5, audit: true };
    rootLogger(fallback).info(fields, 'tool call');
    flatLineLogger(fallback).info(fields, 'tool call');
    await settle();
    const [viaRoot, viaFlat] = lines.map(({ time: _time, ...line }) => line);
    expect(viaFlat).toEqual(viaRoot);
    expect(viaFlat).toMatchObject({ service: 'spec', trace_id: 't', level: 30, msg: 'tool call', password: 'p' });
  });

  it('keeps the root’s level and is made once per root', async () => {
    const { fallback, lines } = capture('warn');
    expect(flatLineLogger(fallback)).toBe(flatLineLogger(fallback));
    flatLineLogger(fallback).info({ audit: true }, 'tool call');
    await settle();
    expect(lines).toEqual([]);
  });

  it('leaves the root’s redaction in place for every other line', async () => {
    const { fallback, lines } = capture();
    flatLineLogger(fallback);
    rootLogger(fallback).info({ headers: { authorization: 'Bearer secret' } }, 'other');
    await settle();
    expect(lines[0].headers).toEqual({ authorization: '[Redacted]' });
  });
});
