import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { ApiKeyStore } from './api-key.store';
import { PUBLIC_ROUTE } from './auth.constants';
import { AuthenticatedRequest } from './principal.interface';
import { PublicRouteMetadata } from './public.decorator';

const BEARER = /^Bearer ([\x21-\x7e]+)$/;

/**
 * Global guard: `Authorization: Bearer <key>` must match a configured key. Keys are read from the
 * Authorization header only (never the query string). Rejections are logged without the key.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyStore,
    private readonly config: ConfigService<Environment, true>,
    @InjectPinoLogger(AuthGuard.name) private readonly logger: PinoLogger,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.isPublic(context)) return true;
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const presented = header === undefined ? undefined : BEARER.exec(header)?.[1];
    const principal = presented === undefined ? undefined : this.keys.verify(presented);
    if (principal) {
      req.principal = principal;
      return true;
    }
    const reason = header === undefined ? 'missing' : presented === undefined ? 'malformed' : 'unknown_key';
    this.logger.warn({ path: req.path, source: req.ip, reason }, 'API key rejected');
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
