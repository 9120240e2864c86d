import { jsonBoundsProblem } from './bounded-json-object.validator';

describe('jsonBoundsProblem', () => {
  const bounds = { maxBytes: 200, maxDepth: 3, maxKeys: 5 };

  it('accepts an object within every bound', () => {
    expect(jsonBoundsProblem({ a: 1, b: { c: [1, 'x'] } }, bounds)).toBeUndefined();
  });

  it.each([
    ['a non-object', [1, 2], 'must be a JSON object'],
    ['too deep', { a: { b: { c: { d: 1 } } } }, 'must nest at most 3 levels deep'],
    ['too many keys across levels', { a: 1, b: 2, c: { d: 3, e: 4, f: 5 } }, 'must have at most 5 keys in all'],
    ['too many array items', { a: Array.from({ length: 6 }, () => [0]) }, 'must have at most 5 array items in all'],
    ['too many bytes', { a: 'x'.repeat(300) }, 'must be at most 200 bytes as JSON'],
    ['U+0000 in a nested string', { a: { b: ['ok', 'x\u0000y'] } }, 'must not contain U+0000 in a key or a string (jsonb cannot hold it)'],
    ['U+0000 in a key', { a: { 'k\u0000': 1 } }, 'must not contain U+0000 in a key or a string (jsonb cannot hold it)'],
  ])('names the bound %s breaks', (_, value, message) => {
    expect(jsonBoundsProblem(value, bounds)).toBe(message);
  });

  it('refuses an object nested 100,000 deep without recursing', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(jsonBoundsProblem(deep, bounds)).toBe('must nest at most 3 levels deep');
  });
});
