import { InvalidResourceCursorError } from '../../platform/mcp/resource.registry';
import { decodeDocumentCursor, encodeDocumentCursor } from './rag-document-cursor';

describe('rag://documents listing cursors', () => {
  const position = { createdAt: '2026-11-27 23:40:01.123456+00', id: '0b7e3f52-8d1e-4a5c-9f0e-2b6d8c4a1e73' };

  it('round-trips a position, microseconds and offset kept', () => {
    expect(decodeDocumentCursor(encodeDocumentCursor(position))).toEqual(position);
    const whole = { createdAt: '2026-11-27 23:40:01+05:30', id: position.id };
    expect(decodeDocumentCursor(encodeDocumentCursor(whole))).toEqual(whole);
    for (const createdAt of ['2024-02-29 00:00:00+00', '0001-01-01 00:00:00+00', '9999-12-31 23:59:59.999999-15:59:59']) {
      expect(decodeDocumentCursor(encodeDocumentCursor({ createdAt, id: position.id }))).toEqual({ createdAt, id: position.id });
    }
  });

  it.each([
    ['garbage', 'garbage'],
    ['no id', Buffer.from(position.createdAt).toString('base64url')],
    ['an id that is no uuid', Buffer.from(`${position.createdAt}|42`).toString('base64url')],
    ['SQL in the timestamp', Buffer.from(`'; DROP TABLE rag_documents; --|${position.id}`).toString('base64url')],
    ['a third part', Buffer.from(`${position.createdAt}|${position.id}|x`).toString('base64url')],
    ['month 13', Buffer.from(`2026-13-27 23:40:01.123456+00|${position.id}`).toString('base64url')],
    ['30 February', Buffer.from(`2026-02-30 10:00:00+00|${position.id}`).toString('base64url')],
    ['29 February of a common year', Buffer.from(`2025-02-29 10:00:00+00|${position.id}`).toString('base64url')],
    ['hour 24', Buffer.from(`2026-11-27 24:00:00+00|${position.id}`).toString('base64url')],
    ['minute 60', Buffer.from(`2026-11-27 23:60:00+00|${position.id}`).toString('base64url')],
    ['an offset of 16 hours', Buffer.from(`2026-11-27 23:40:01+16|${position.id}`).toString('base64url')],
    ['year 0', Buffer.from(`0000-01-01 00:00:00+00|${position.id}`).toString('base64url')],
    ['a megabyte of padding', 'A'.repeat(1024 * 1024)],
  ])('refuses %s', (_, cursor) => {
    expect(() => decodeDocumentCursor(cursor)).toThrow(InvalidResourceCursorError);
  });
});
