import { exceedsJsonDepth } from './json-depth';

describe('exceedsJsonDepth', () => {
  it.each([
    ['1', 0, false],
    ['[]', 0, true],
    ['[]', 1, false],
    ['{"a":[1,{"b":2}]}', 3, false],
    ['{"a":[1,{"b":2}]}', 2, true],
    ['[[],[],[[]]]', 3, false],
    ['[[],[],[[]]]', 2, true],
  ])('%s at most %i deep: %s', (text, max, expected) => {
    expect(exceedsJsonDepth(text, max)).toBe(expected);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth('{"a":"[[[{{{","b":"\\"[[[","c":"\\\\"}', 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ text: '['.repeat(10_000) }), 1)).toBe(false);
  });

  it('answers a hostile 5 MB nesting early, where JSON.parse would block for a second and stringify would overflow', () => {
    const deep = '['.repeat(2_500_000) + ']'.repeat(2_500_000);
    expect(exceedsJsonDepth(deep, 64)).toBe(true);
    expect(exceedsJsonDepth(JSON.stringify(Array.from({ length: 100_000 }, (_, i) => ({ i, tags: ['a', 'b'] }))), 64)).toBe(false);
  });
});
