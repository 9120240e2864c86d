import { InvalidResourceCursorError } from '../../platform/mcp/resource.registry';
import { decodeDocumentCursor, encodeDocumentCursor } from './rag-document-cursor';

describe('rag://documents listing cursors', () => {
  const position = { createdAt: '2026-11-27 23:40:01.123456+00', id: '0b7e3f52-8d1e-4a5c-9f0e-2b6d8c4a1e73' };

  it('round-trips a position, microseconds and offset kept', () => {
    expect(decodeDocumentCursor(encodeDocumentCursor(position))).toEqual(position);
    const whole = { createdAt: '2026-11-27 23:40:01+05:30', id: position.id };
    expect(decodeDocumentCursor(encodeDocumentCursor(whole))).toEqual(whole);
  });

  it.each([
    ['garbage', 'garbage'],
    ['no id', Buffer.from(position.createdAt).toString('base64url')],
    ['an id that is no uuid', Buffer.from(`${position.createdAt}|42`).toString('base64url')],
    ['SQL in the timestamp', Buffer.from(`'; DROP TABLE rag_documents; --|${position.id}`).toString('base64url')],
    ['a third part', Buffer.from(`${position.createdAt}|${position.id}|x`).toString('base64url')],
  ])('refuses %s', (_, cursor) => {
    expect(() => decodeDocumentCursor(cursor)).toThrow(InvalidResourceCursorError);
  });
});
