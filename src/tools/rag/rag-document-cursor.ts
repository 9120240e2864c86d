import { isUUID } from 'class-validator';
import { InvalidResourceCursorError } from '../../platform/mcp/resource.registry';
import { RagDocumentPosition } from './rag.repository';

/** `created_at::text` as PostgreSQL prints a timestamptz: date, time, optional microseconds, UTC offset (hours, maybe minutes and seconds). */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;
/** The longest such text: `2026-11-27 23:40:01.123456+05:30:00`. */
const MAX_TIMESTAMP_LENGTH = 35;
/** A cursor longer than any this listing gives out is refused before it is decoded. */
const MAX_CURSOR_LENGTH = 128;

/** Whether `text` is a timestamp PostgreSQL would print and accept back: a real date and time, an offset within ±15:59:59. */
function isTimestamp(text: string): boolean {
  const match = text.length <= MAX_TIMESTAMP_LENGTH ? TIMESTAMP.exec(text) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes, offsetSeconds] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return (
    year >= 1 &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 15 &&
    offsetMinutes <= 59 &&
    offsetSeconds <= 59
  );
}

/** The `rag://documents` listing's cursor for a position (opaque to clients). */
export function encodeDocumentCursor(position: RagDocumentPosition): string {
  return Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');
}

/**
 * The position a cursor names; InvalidResourceCursorError when it is not one `encodeDocumentCursor` made: too
 * long, not two parts, a date that does not exist (month 13, 30 February), or an id that is not a uuid. So
 * nothing the database would refuse ever reaches it.
 */
export function decodeDocumentCursor(cursor: string): RagDocumentPosition {
  if (cursor.length > MAX_CURSOR_LENGTH) throw new InvalidResourceCursorError();
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !isTimestamp(createdAt) || !isUUID(id ?? '')) throw new InvalidResourceCursorError();
  return { createdAt, id };
}
