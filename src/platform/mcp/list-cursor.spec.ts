import { decodeOffsetCursor, encodeOffsetCursor } from './list-cursor';

describe('offset cursors', () => {
  it('round-trips the offsets it gives out, and starts at 0 without a cursor', () => {
    expect(decodeOffsetCursor(encodeOffsetCursor(50))).toBe(50);
    expect(decodeOffsetCursor(undefined)).toBe(0);
  });

  it.each([
    ['not base64 JSON', 'nope'],
    ['a negative offset', Buffer.from('{"o":-1}').toString('base64url')],
    ['offset 0 (never given out)', Buffer.from('{"o":0}').toString('base64url')],
    ['a fractional offset', Buffer.from('{"o":1.5}').toString('base64url')],
    ['a string offset', Buffer.from('{"o":"5"}').toString('base64url')],
    ['null', Buffer.from('null').toString('base64url')],
  ])('refuses %s', (_case, cursor) => {
    expect(decodeOffsetCursor(cursor)).toBeUndefined();
  });
});
