import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { decodeJwt, errors, JWTPayload, jwtVerify } from 'jose';
import { Environment } from '../../config/environment';
import { OAuthKeySet, OAuthServerUnavailable } from './oauth-key-set';
import { OAuthConfig, oauthConfigOf } from './oauth.config';
import { Principal } from './principal.interface';

/** A compact JWS: three base64url segments. Anything else is not an OAuth access token we can judge. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;
/** Scopes are space-separated (RFC 6749 §3.3). */
const SCOPE_SEPARATOR = / +/;

/** The verdict on one bearer token. */
export type OAuthVerdict =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string };

function scopesOf(payload: JWTPayload, claim: string): string[] {
  const value = payload[claim] ?? payload.scp;
  if (typeof value === 'string') return value.split(SCOPE_SEPARATOR).filter((scope) => scope.length > 0);
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string' && scope.length > 0);
  return [];
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A key-set fetch that failed (network, timeout, non-200): not the token's fault. */
function isServerFailure(error: unknown): boolean {
  if (error instanceof OAuthServerUnavailable || error instanceof errors.JWKSTimeout) return true;
  return !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC';
}

/**
 * Verifies OAuth 2.1 JWT access tokens (RFC 9068) with jose: signature against the issuer's JWKS, `iss`,
 * `aud` containing OAUTH_AUDIENCE (RFC 8707), `exp`/`nbf` with OAUTH_CLOCK_TOLERANCE_SECONDS, the algorithm
 * allowlist (asymmetric only). Enabled when OAUTH_ISSUER is set.
 */
@Injectable()
export class OAuthTokenVerifier {
  readonly config?: OAuthConfig;
  private readonly keys?: OAuthKeySet;

  constructor(settings: ConfigService<Environment, true>) {
    this.config = oauthConfigOf(settings);
    this.keys = this.config && new OAuthKeySet(this.config);
  }

  get enabled(): boolean {
    return this.config !== undefined;
  }

  /** Whether a presented bearer credential has the shape of a JWT (keys never do: they have no dots). */
  looksLikeToken(presented: string): boolean {
    return this.enabled && COMPACT_JWS.test(presented);
  }

  /** Judges a token; throws OAuthServerUnavailable when the issuer's keys cannot be fetched. */
  async verify(token: string): Promise<OAuthVerdict> {
    const { config, keys } = this;
    if (!config || !keys) return { ok: false, reason: 'oauth_disabled' };
    // No network for a token that names another issuer, or is no JWT at all.
    const unverified = this.decode(token);
    if (unverified?.iss !== config.issuer) return { ok: false, reason: unverified ? 'wrong_issuer' : 'malformed_token' };
    try {
      const { payload } = await jwtVerify(token, await keys.resolver(), {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: [...config.algorithms],
        clockTolerance: config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return { ok: true, principal: this.principalOf(payload) };
    } catch (error) {
      if (isServerFailure(error)) throw error instanceof OAuthServerUnavailable ? error : new OAuthServerUnavailable(String(error));
      return { ok: false, reason: error instanceof errors.JOSEError ? error.code : 'invalid_token' };
    }
  }

  private decode(token: string): JWTPayload | undefined {
    try {
      return decodeJwt(token);
    } catch {
      return undefined;
    }
  }

  /**
   * The client is `oauth:<client_id or azp>` (`oauth:sub:<sub>` without either): the prefix keeps a token's client
   * apart from an API key of the same id (a key id cannot hold `:`), so it never shares that key's rate-limit
   * bucket, `rate_limit_rpm` or `key_id` in metrics and audit lines.
   */
  private principalOf(payload: JWTPayload): Principal {
    const subject = payload.sub as string;
    const client = stringClaim(payload, 'client_id') ?? stringClaim(payload, 'azp');
    return {
      subject,
      clientId: client !== undefined ? `oauth:${client}` : `oauth:sub:${subject}`,
      scopes: scopesOf(payload, (this.config as OAuthConfig).scopesClaim),
      via: 'oauth',
    };
  }
}
