import fc from 'fast-check';
import { trace } from '@opentelemetry/api';
import { contextFromCarrier, parseTraceparent, remoteSpanContext, TRACESTATE_MAX_LENGTH } from './traceparent';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('parseTraceparent', () => {
  it('reads a version-00 traceparent: ids and the sampled flag', () => {
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-01`)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-00`)).toEqual({ traceId: TRACE, spanId: SPAN, traceFlags: 0 });
    // Unknown flag bits are dropped, not trusted.
    expect(parseTraceparent(`00-${TRACE}-${SPAN}-ff`)?.traceFlags).toBe(1);
  });

  it('accepts a later version with extra fields after a dash (W3C forward compatibility)', () => {
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01-future`)).toMatchObject({ traceId: TRACE });
    expect(parseTraceparent(`01-${TRACE}-${SPAN}-01x`)).toBeUndefined();
  });

  it.each([
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero span id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version 00 with extra fields', `00-${TRACE}-${SPAN}-01-extra`],
    ['missing flags', `00-${TRACE}-${SPAN}`],
    ['wrong separators', `00_${TRACE}_${SPAN}_01`],
    ['non-hex', `00-${'g'.repeat(32)}-${SPAN}-01`],
    ['too long', `01-${TRACE}-${SPAN}-01-${'a'.repeat(300)}`],
    ['empty', ''],
  ])('refuses %s', (_what, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('refuses anything that is not a string (an array of repeated headers, a number, an object)', () => {
    for (const value of [[`00-${TRACE}-${SPAN}-01`], 42, { traceparent: 'x' }, null, undefined]) expect(parseTraceparent(value)).toBeUndefined();
  });

  it('never throws, and only accepts lower-case hex ids, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const parsed = parseTraceparent(text);
        if (parsed) expect(`${parsed.traceId}${parsed.spanId}`).toMatch(/^[0-9a-f]{48}$/);
      }),
    );
  });
});

describe('remoteSpanContext / contextFromCarrier', () => {
  it('builds a remote parent with its tracestate', () => {
    const context = remoteSpanContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=value,other=1' });
    expect(context).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: 1, isRemote: true });
    expect(context?.traceState?.get('vendor')).toBe('value');
  });

  it('drops an oversized tracestate but keeps the parent', () => {
    const context = remoteSpanContext({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: `k=${'v'.repeat(TRACESTATE_MAX_LENGTH)}` });
    expect(context?.traceId).toBe(TRACE);
    expect(context?.traceState).toBeUndefined();
  });

  it('answers undefined for a carrier without a valid traceparent', () => {
    expect(contextFromCarrier(undefined)).toBeUndefined();
    expect(contextFromCarrier({ tracestate: 'a=b' })).toBeUndefined();
    const context = contextFromCarrier({ traceparent: `00-${TRACE}-${SPAN}-00` });
    expect(context && trace.getSpanContext(context)?.spanId).toBe(SPAN);
  });
});
