import type { Request } from 'express';

/** How the caller proved who it is. */
export type AuthVia = 'api_key' | 'oauth' | 'stdio';

/** Who is calling: attached to the request by the AuthGuard. */
export interface Principal {
  /** Who: the key id (`primary`, `secondary`, a registry id), the token's `sub`, or `local` (stdio). */
  readonly subject: string;
  /** Which client: the key id, the token's `client_id`/`azp`, or `local`. Rate limits, metrics `key_id` and audit use it. */
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly via: AuthVia;
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string };
