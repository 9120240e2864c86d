import { createRemoteJWKSet, JWTVerifyGetKey } from 'jose';
import { readCappedText } from '../http/read-capped-text';
import { OAuthConfig } from './oauth.config';

/** How long one fetch of a discovery document or of the JWKS may take. */
const FETCH_TIMEOUT_MS = 5_000;
/** How long a fetched JWKS is used before it is fetched again (an unknown `kid` refetches sooner, past the cooldown). */
const JWKS_MAX_AGE_MS = 10 * 60_000;
/** A discovery document larger than this is refused (they are a few KiB). */
const MAX_DISCOVERY_BYTES = 256 * 1024;

/** The authorization server could not be reached or answered nonsense: the caller may retry, the token was not judged. */
export class OAuthServerUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'OAuthServerUnavailable';
  }
}

/** RFC 8414 §3.1 (well-known path inserted before the issuer's path), then OpenID Connect Discovery (appended). */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

async function fetchDiscovery(url: string, issuer: string): Promise<string | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const text = await readCappedText(response, MAX_DISCOVERY_BYTES);
  if (text === undefined) throw new OAuthServerUnavailable(`discovery document at ${url} is larger than ${MAX_DISCOVERY_BYTES} bytes`);
  const document = JSON.parse(text) as { issuer?: unknown; jwks_uri?: unknown };
  // RFC 8414 §3.3: the document must name the issuer it was fetched for.
  if (document.issuer !== issuer) throw new OAuthServerUnavailable(`discovery document at ${url} names another issuer`);
  if (typeof document.jwks_uri !== 'string' || !URL.canParse(document.jwks_uri)) {
    throw new OAuthServerUnavailable(`discovery document at ${url} has no valid jwks_uri`);
  }
  return document.jwks_uri;
}

/**
 * The issuer's signing keys: OAUTH_JWKS_URL, or the `jwks_uri` of its discovery document (fetched on first
 * use, and again at most once per cooldown after a failure). jose caches the key set, refetches it on an
 * unknown `kid` at most once per cooldown, and after JWKS_MAX_AGE_MS.
 */
export class OAuthKeySet {
  private keySet?: Promise<JWTVerifyGetKey>;
  private failedAt = 0;
  private lastFailure?: unknown;

  constructor(private readonly config: OAuthConfig) {}

  /** The key-resolving function for `jwtVerify`; throws OAuthServerUnavailable while discovery fails. */
  async resolver(): Promise<JWTVerifyGetKey> {
    if (!this.keySet) {
      if (Date.now() - this.failedAt < this.config.jwksCooldownMs) throw this.lastFailure;
      this.keySet = this.create();
      this.keySet.catch((error: unknown) => {
        this.keySet = undefined;
        this.failedAt = Date.now();
        this.lastFailure = error;
      });
    }
    return this.keySet;
  }

  private async create(): Promise<JWTVerifyGetKey> {
    const jwksUrl = this.config.jwksUrl ?? (await this.discover());
    return createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: this.config.jwksCooldownMs,
      cacheMaxAge: JWKS_MAX_AGE_MS,
    });
  }

  private async discover(): Promise<string> {
    for (const url of discoveryUrls(this.config.issuer)) {
      try {
        const jwksUri = await fetchDiscovery(url, this.config.issuer);
        if (jwksUri) return jwksUri;
      } catch (error) {
        if (error instanceof OAuthServerUnavailable) throw error;
        throw new OAuthServerUnavailable(`discovery at ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new OAuthServerUnavailable(`no discovery document for ${this.config.issuer}; set OAUTH_JWKS_URL`);
  }
}
