import type { Request } from 'express';

/** Which configured key authenticated the call. Never the key itself. */
export type ApiKeyId = 'primary' | 'secondary';

/** Who is calling: attached to the request by the AuthGuard. */
export interface Principal {
  readonly keyId: ApiKeyId;
  readonly scopes: readonly string[];
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string };
