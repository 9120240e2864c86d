import type { Request } from 'express';

/** Which configured key authenticated the call (never the key itself); `local` is the stdio door's own user. */
export type ApiKeyId = 'primary' | 'secondary' | 'local';

/** Who is calling: attached to the request by the AuthGuard. */
export interface Principal {
  readonly keyId: ApiKeyId;
  readonly scopes: readonly string[];
}

export type AuthenticatedRequest = Request & { principal?: Principal; id?: string };
