import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { ApiKeyStore } from './api-key.store';
import { AuthFailureLimiter } from './auth-failure.limiter';
import { AuthFailuresExceededException } from './auth-failures-exceeded.exception';
import { bearerCredential } from './bearer-credential';
import { PUBLIC_ROUTE } from './auth.constants';
import { AuthenticatedRequest } from './principal.interface';
import { PublicRouteMetadata } from './public.decorator';

/**
 * Global guard: `Authorization: Bearer <key>` must match a configured key that is neither expired nor disabled. Keys are read from the
 * Authorization header only (never the query string). Rejections are logged without the key: at warn for
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
    const reason = header === undefined ? 'missing' : check === undefined ? 'malformed' : check.status === 'unknown' ? 'unknown_key' : `${check.status}_key`;
    const keyId = check !== undefined && check.status !== 'unknown' ? check.id : undefined;
    const source = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const verdict = await this.failures.recordFailure(source);
    const line = { path: req.path, source, reason, ...(keyId ? { key_id: keyId } : {}) };
    if (verdict.firstInWindow) this.logger.warn(line, 'API key rejected');
    else this.logger.debug(line, 'API key rejected');
    if (verdict.blocked) throw new AuthFailuresExceededException(verdict.retryAfterSeconds);
    throw new UnauthorizedException();
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
