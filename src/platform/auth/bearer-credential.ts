/** RFC 9110: the scheme is case-insensitive; one or more spaces, then the token (visible ASCII). */
const BEARER = /^bearer +([\x21-\x7e]+)$/i;

/** The credential of an `Authorization: Bearer …` header; undefined when the header is absent or not of that form. */
export function bearerCredential(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}
