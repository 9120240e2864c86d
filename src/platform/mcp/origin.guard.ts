import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { Environment } from '../../config/environment';

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

/**
 * DNS-rebinding protection: a request that carries an `Origin` header must come from ALLOWED_ORIGINS
 * (or, in development, from a loopback origin such as the MCP Inspector's). No Origin (agents, curl) passes.
 */
@Injectable()
export class OriginGuard implements CanActivate {
  private readonly allowed: ReadonlySet<string>;
  private readonly allowLoopback: boolean;

  constructor(config: ConfigService<Environment, true>) {
    this.allowed = new Set(config.get('ALLOWED_ORIGINS', { infer: true }));
    this.allowLoopback = config.get('ENVIRONMENT', { infer: true }) === 'development';
  }

  canActivate(context: ExecutionContext): boolean {
    const origin = context.switchToHttp().getRequest<Request>().headers.origin;
    if (origin === undefined || this.allowed.has(origin) || (this.allowLoopback && LOOPBACK_ORIGIN.test(origin))) return true;
    throw new ForbiddenException();
  }
}
