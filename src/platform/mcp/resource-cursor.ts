/** Where `resources/list` resumes: the index of a listing template and, within it, the template's own cursor. */
export interface ResourceListPosition {
  readonly template: number;
  readonly cursor?: string;
}

/** The opaque `nextCursor` a client sends back to `resources/list`. */
export function encodeResourceCursor(position: ResourceListPosition): string {
  return Buffer.from(JSON.stringify(position.cursor === undefined ? [position.template] : [position.template, position.cursor])).toString('base64url');
}

/**
 * The position a cursor names (the first page without one), or undefined when the cursor is not one this
 * server gave out or points past the `templates` listing now.
 */
export function decodeResourceCursor(cursor: string | undefined, templates: number): ResourceListPosition | undefined {
  if (cursor === undefined) return { template: 0 };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length < 1 || value.length > 2) return undefined;
  const [template, inner] = value as unknown[];
  if (!Number.isInteger(template) || (template as number) < 0 || (template as number) >= templates) return undefined;
  if (inner !== undefined && typeof inner !== 'string') return undefined;
  return inner === undefined ? { template: template as number } : { template: template as number, cursor: inner };
}
