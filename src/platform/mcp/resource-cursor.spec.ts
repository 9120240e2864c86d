import { decodeResourceCursor, encodeResourceCursor } from './resource-cursor';

describe('resources/list cursors', () => {
  it('round-trips a position, with and without the template cursor', () => {
    expect(decodeResourceCursor(encodeResourceCursor({ template: 1, cursor: 'abc|def' }), 2)).toEqual({ template: 1, cursor: 'abc|def' });
    expect(decodeResourceCursor(encodeResourceCursor({ template: 1 }), 2)).toEqual({ template: 1 });
  });

  it('starts at the first template without a cursor', () => {
    expect(decodeResourceCursor(undefined, 0)).toEqual({ template: 0 });
  });

  it.each([
    ['not base64url JSON', 'not a cursor'],
    ['a JSON object', Buffer.from('{"t":0}').toString('base64url')],
    ['a template past the listing', encodeResourceCursor({ template: 2 })],
    ['a negative template', Buffer.from('[-1]').toString('base64url')],
    ['a fractional template', Buffer.from('[0.5]').toString('base64url')],
    ['a non-string inner cursor', Buffer.from('[0, 7]').toString('base64url')],
    ['too many parts', Buffer.from('[0, "a", "b"]').toString('base64url')],
  ])('refuses %s', (_, cursor) => {
    expect(decodeResourceCursor(cursor, 2)).toBeUndefined();
  });
});
