import { CanActivate, ExecutionContext, Injectable, ServiceUnavailableException, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ModuleRef, Reflector } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { ApiKeyStore } from './api-key.store';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { AuthFailuresExceededException } from './auth-failures-exceeded.exception';
import { bearerCredential } from './bearer-credential';
import { PUBLIC_ROUTE } from './auth.constants';
import { CHALLENGE_SCOPES, ChallengeScopesOf } from './challenge-scopes.decorator';
import { bearerChallenge } from './oauth-challenge';
import { OAuthServerUnavailable } from './oauth-key-set';
import { OAuthTokenVerifier, OAuthVerdict } from './oauth-token.verifier';
import { resourceMetadataUrl } from './oauth.config';
import { AuthenticatedRequest } from './principal.interface';
import { PublicRouteMetadata } from './public.decorator';

/** Seconds a caller waits before retrying while the authorization server's keys cannot be fetched. */
const OAUTH_UNAVAILABLE_RETRY_SECONDS = 5;

/**
 * Global guard: `Authorization: Bearer <key>` must match a configured key that is neither expired nor disabled or,
 * with OAUTH_ISSUER set, be a valid OAuth JWT access token (OAuthTokenVerifier); every 401 then names the RFC 9728
 * metadata. Credentials are read from the Authorization header only (never the query string). Rejections are logged without the key: at warn for
 * the first one from an address in a minute, at debug after that. Past AUTH_FAILURES_PER_MINUTE failures
 * from one address, its failures get 429 instead of 401 (a valid key is never counted nor refused).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly config: ConfigService<Environment, true>,
    private readonly failures: AuthFailureLimiter,
    private readonly oauth: OAuthTokenVerifier,
    private readonly modules: ModuleRef,
    @InjectPinoLogger(AuthGuard.name) private readonly logger: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const presented = bearerCredential(header);
    const check = presented === undefined ? undefined : this.keys.verify(presented);
    if (check?.status === 'ok') {
      req.principal = check.principal;
      return true;
    }
    const token = presented !== undefined && (check === undefined || check.status === 'unknown') && this.oauth.looksLikeToken(presented) ? await this.verifyToken(presented) : undefined;
    if (token?.ok) {
      req.principal = token.principal;
      return true;
    }
    const keyReason = check === undefined || check.status === 'unknown' ? 'unknown_key' : `${check.status}_key`;
    const reason = header === undefined ? 'missing' : presented === undefined ? 'malformed' : (token?.reason ?? keyReason);
    const keyId = check !== undefined && check.status !== 'unknown' ? check.id : undefined;
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const verdict = await this.failures.recordFailure(source);
    const line = { path: req.path, source, reason, ...(keyId ? { key_id: keyId } : {}) };
    if (verdict.firstInWindow) this.logger.warn(line, 'API key rejected');
    else this.logger.debug(line, 'API key rejected');
    if (verdict.blocked) throw new AuthFailuresExceededException(verdict.retryAfterSeconds);
    throw new UnauthorizedException({ statusCode: 401, wwwAuthenticate: this.challenge(context, req, presented !== undefined) });
  }

  private async verifyToken(token: string): Promise<OAuthVerdict> {
    try {
      return await this.oauth.verify(token);
    } catch (error) {
      if (!(error instanceof OAuthServerUnavailable)) throw error;
      this.logger.warn({ reason: error.message }, 'OAuth token not judged: the authorization server keys are unavailable');
      throw new ServiceUnavailableException({ statusCode: 503, retryAfterSeconds: OAUTH_UNAVAILABLE_RETRY_SECONDS });
    }
  }

  /**
   * RFC 6750 / RFC 9728: with OAuth on, where to find the metadata; `invalid_token` when a credential was refused;
   * the scopes the route needs when it names them (`@ChallengeScopes`).
   */
  private challenge(context: ExecutionContext, req: AuthenticatedRequest, presented: boolean): string {
    const config = this.oauth.config;
    if (!config) return bearerChallenge();
    const scopesOf = this.reflector.get<ChallengeScopesOf | undefined>(CHALLENGE_SCOPES, context.getHandler());
    return bearerChallenge({
      resourceMetadata: resourceMetadataUrl(config.audience, `${req.protocol}://${req.get('host') ?? 'localhost'}`),
      error: presented ? 'invalid_token' : undefined,
      scope: scopesOf?.(req, this.modules)?.join(' '),
    });
  }

  private isPublic(context: ExecutionContext): boolean {
    const marker = this.reflector.getAllAndOverride<PublicRouteMetadata | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (marker === undefined) return false;
    return marker === true || this.config.get(marker, { infer: true }) === true;
  }
}
