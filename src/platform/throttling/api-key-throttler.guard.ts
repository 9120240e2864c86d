import { ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  ThrottlerLimitDetail,
  ThrottlerModuleOptions,
  ThrottlerStorage,
} from '@nestjs/throttler';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter } from 'prom-client';
import { Environment } from '../../config/environment';
import { AuthenticatedRequest } from '../auth/principal.interface';
import { RATE_LIMIT_REJECTIONS_TOTAL } from '../metrics/metrics.constants';

/**
 * One budget per API key across every route (MCP and REST facade alike). Requests without a principal
 * (public routes that are not skipped) are tracked by client address.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  private readonly prefix: string;

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    config: ConfigService<Environment, true>,
    @InjectMetric(RATE_LIMIT_REJECTIONS_TOTAL) private readonly rejections: Counter<string>,
  ) {
    super(options, storage, reflector);
    this.prefix = config.get('RATE_LIMIT_REDIS_PREFIX', { infer: true });
  }

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const principal = (req as unknown as AuthenticatedRequest).principal;
    return Promise.resolve(principal ? `key:${principal.clientId}` : `ip:${String(req.ip)}`);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${this.prefix}:${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.rejections.inc({ key_id: detail.tracker.startsWith('key:') ? detail.tracker.slice(4) : 'anonymous' });
    await super.throwThrottlingException(context, detail);
  }
}
