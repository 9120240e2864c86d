/** The realm every Bearer challenge of this server names. */
const REALM = 'mcp-tool-server';

export interface BearerChallengeParams {
  /** RFC 9728 §5.1: where the client finds this resource's metadata (and so its authorization servers). */
  readonly resourceMetadata?: string;
  /** RFC 6750 §3.1: `invalid_token` when a token was presented and refused, `insufficient_scope` for a 403. */
  readonly error?: 'invalid_token' | 'insufficient_scope';
  /** The scopes that would do (space-separated). */
  readonly scope?: string;
}

/** Quotes a value for an auth-param (RFC 9110 §5.6.4): backslash and double quote escaped. */
const quoted = (value: string): string => `"${value.replace(/["\\]/g, (char) => `\\${char}`)}"`;

/** A `WWW-Authenticate: Bearer …` value (RFC 6750 §3, RFC 9728 §5.1). */
export function bearerChallenge(params: BearerChallengeParams = {}): string {
  const parts = [`realm=${quoted(REALM)}`];
  if (params.resourceMetadata) parts.push(`resource_metadata=${quoted(params.resourceMetadata)}`);
  if (params.error) parts.push(`error=${quoted(params.error)}`);
  if (params.scope) parts.push(`scope=${quoted(params.scope)}`);
  return `Bearer ${parts.join(', ')}`;
}
