/**
 * The shared Principal contract of issue 14 (`src/platform/auth/principal.interface.ts` once the key registry
 * lands): who is calling, through which client, with which scopes, by which door.
 */
export type AuthVia = 'api_key' | 'oauth' | 'stdio';

export interface ContractPrincipal {
  /** Who: the key id, the token's `sub`, or `local` (stdio). */
  readonly subject: string;
  /** Which client: the key id, the token's `client_id`/`azp`, or `local`. Rate limits, metrics `key_id` and audit use it. */
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly via: AuthVia;
}
