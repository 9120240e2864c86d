import { isUUID } from 'class-validator';
import { InvalidResourceCursorError } from '../../platform/mcp/resource.registry';
import { RagDocumentPosition } from './rag.repository';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** The `rag://documents` listing's cursor for a position (opaque to clients). */
export function encodeDocumentCursor(position: RagDocumentPosition): string {
  return Buffer.from(`${position.createdAt}|${position.id}`).toString('base64url');
}

/** The position a cursor names; InvalidResourceCursorError when it is not one `encodeDocumentCursor` made. */
export function decodeDocumentCursor(cursor: string): RagDocumentPosition {
  const [createdAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || !TIMESTAMP.test(createdAt) || !isUUID(id ?? '')) throw new InvalidResourceCursorError();
  return { createdAt, id };
}
