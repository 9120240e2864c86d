import { exceedsJsonDepth } from '../json/json-depth';
import { findBodyLimitViolation } from './body-limits';

const limits = { maxDepth: 4, maxElements: 3 };

/** Arrays nested `levels` deep, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown[] = [];
  for (let i = 1; i < levels; i += 1) value = [value];
  return value;
}

describe('findBodyLimitViolation', () => {
  it('accepts scalars and values at exactly the limits', () => {
    for (const value of [null, 0, 'text', true, undefined]) expect(findBodyLimitViolation(value, limits)).toBeUndefined();
    expect(findBodyLimitViolation(nested(4), limits)).toBeUndefined();
    expect(findBodyLimitViolation({ a: { b: [1, 2, { c: null }] } }, limits)).toBeUndefined();
    expect(findBodyLimitViolation({ a: 1, b: [1, 2, 3], c: {} }, limits)).toBeUndefined();
  });

  it('names BODY_MAX_DEPTH one level past it, in arrays and objects alike', () => {
    expect(findBodyLimitViolation(nested(5), limits)).toMatchObject({ setting: 'BODY_MAX_DEPTH', limit: 4 });
    expect(findBodyLimitViolation({ a: { b: { c: { d: {} } } } }, limits)).toMatchObject({ setting: 'BODY_MAX_DEPTH' });
    expect(findBodyLimitViolation({ a: 1, b: [1, [2, [3, [4]]]] }, limits)?.message).toBe(
      'nests arrays and objects deeper than 4 levels (BODY_MAX_DEPTH)',
    );
  });

  it('names BODY_MAX_ELEMENTS for a long array or an object with many keys, at any depth', () => {
    expect(findBodyLimitViolation([1, 2, 3, 4], limits)).toMatchObject({ setting: 'BODY_MAX_ELEMENTS', limit: 3 });
    expect(findBodyLimitViolation({ a: { w: 1, x: 2, y: 3, z: 4 } }, limits)).toMatchObject({ setting: 'BODY_MAX_ELEMENTS' });
  });

  it('checks a million levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`) as unknown;
    expect(findBodyLimitViolation(deep, { maxDepth: 64, maxElements: 10_000 })).toMatchObject({ setting: 'BODY_MAX_DEPTH' });
    expect(findBodyLimitViolation(deep, { maxDepth: 2_000_000, maxElements: 10_000 })).toBeUndefined();
  });

  it('ends on a cyclic value (never produced by JSON.parse) at the depth limit', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(findBodyLimitViolation(cyclic, limits)).toMatchObject({ setting: 'BODY_MAX_DEPTH' });
  });
});

describe('exceedsJsonDepth on raw UTF-8 bytes (the body parser\'s verify hook)', () => {
  const deeper = (text: string, max: number): boolean => exceedsJsonDepth(Buffer.from(text, 'utf8'), max);

  it('counts open arrays and objects, not the total', () => {
    expect(deeper('[[[]]]', 3)).toBe(false);
    expect(deeper('[[[[]]]]', 3)).toBe(true);
    expect(deeper('[[],[],[],{"a":1}]', 2)).toBe(false);
    expect(deeper('{"a":{"b":{"c":1}}}', 2)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes and backslashes included', () => {
    expect(deeper('{"a":"[[[[{{{{","b":"\\"}', 1)).toBe(false);
    expect(deeper('{"a":"\\"[[[[[[[["}', 1)).toBe(false);
    expect(deeper('["é[[[[", "日本[[[["]', 1)).toBe(false);
    expect(deeper('{"a\\\\":[[1]]}', 2)).toBe(true);
  });

  it('agrees with the parsed-value check on generated JSON', () => {
    const samples: unknown[] = [{ a: ['[', { b: '\\"]' }] }, [[['x"y']]], { 'k[': { '"': [] } }, 'plain'];
    for (const sample of samples) {
      for (const max of [1, 2, 3, 4]) {
        const byValue = findBodyLimitViolation(sample, { maxDepth: max, maxElements: 100 }) !== undefined;
        expect({ sample, max, deeper: deeper(JSON.stringify(sample), max) }).toEqual({ sample, max, deeper: byValue });
      }
    }
  });
});
