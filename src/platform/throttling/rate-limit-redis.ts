import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import Redis from 'ioredis';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { redactUrl } from '../../config/redact-url';

/** Commands fail fast while Redis is away, so a request never waits on a dead connection. */
const CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 500,
  connectTimeout: 2000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
} as const;

/** The Redis connection behind shared rate limits; exists only when RATE_LIMIT_STORAGE=redis. */
@Injectable()
export class RateLimitRedis implements OnModuleInit, OnApplicationShutdown {
  readonly client?: Redis;
  private reachable = true;

  constructor(
    config: ConfigService<Environment, true>,
    @InjectPinoLogger(RateLimitRedis.name) private readonly logger: PinoLogger,
  ) {
    if (config.get('RATE_LIMIT_STORAGE', { infer: true }) !== 'redis') return;
    const url = config.get('REDIS_URL', { infer: true });
    this.client = new Redis(url, CLIENT_OPTIONS);
    this.client.on('ready', () => this.markReachable(true, url));
    this.client.on('error', (error: Error) => this.markReachable(false, url, error));
  }

  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** Gives Redis up to the connect timeout to be ready before the first request; boots anyway if not. */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CLIENT_OPTIONS.connectTimeout);
      function done(): void {
        clearTimeout(timer);
        client?.off('ready', done);
        resolve();
      }
      client.once('ready', done);
    });
  }

  /** Round trip to Redis, bounded by the client's command timeout. */
  async ping(): Promise<void> {
    if (!this.client) throw new Error('rate-limit Redis is not configured');
    await this.client.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    await this.client.quit().catch(() => this.client?.disconnect());
  }

  private markReachable(reachable: boolean, url: string, error?: Error): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    if (reachable) this.logger.info({ redis: redactUrl(url) }, 'rate-limit Redis reachable again');
    else this.logger.warn({ redis: redactUrl(url), reason: error?.message }, 'rate-limit Redis unreachable');
  }
}
