/** The opaque `nextCursor` of a list paged by position (prompts): the index of the next page's first item. */
export function encodeOffsetCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

/** The offset a cursor names (0 without one), or undefined when it is not one this server gave out. */
export function decodeOffsetCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return 0;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    const offset = typeof value === 'object' && value !== null ? (value as { o?: unknown }).o : undefined;
    return Number.isSafeInteger(offset) && (offset as number) > 0 ? (offset as number) : undefined;
  } catch {
    return undefined;
  }
}
