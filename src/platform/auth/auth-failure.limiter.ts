import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerStorage } from '@nestjs/throttler';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { FailSafeRedisStorage } from '../throttling/fail-safe-redis.storage';
import { FixedWindowMemoryStorage } from '../throttling/fixed-window-memory.storage';

const ONE_MINUTE_MS = 60_000;
const COUNTER_NAME = 'auth-failures';
/** Addresses remembered as blocked in this process; past it the oldest are forgotten (they re-block on their next failure). */
const MAX_REMEMBERED_BLOCKS = 10_000;

/** What one more failed authentication from an address means. */
export interface AuthFailureVerdict {
  /** The first failure from this address in the current window: the one worth a warn line. */
  readonly firstInWindow: boolean;
  /** Over AUTH_FAILURES_PER_MINUTE: answer 429 instead of 401 until `retryAfterSeconds` have passed. */
  readonly blocked: boolean;
  readonly retryAfterSeconds: number;
}

/**
 * Counts failed authentications per source address in a one-minute fixed window (in memory, or in Redis
 * with RATE_LIMIT_STORAGE=redis, so every replica shares the count). Past AUTH_FAILURES_PER_MINUTE the
 * address is blocked for a minute; requests with a valid key are never counted, so they are never blocked.
 */
@Injectable()
export class AuthFailureLimiter {
  private readonly storage: ThrottlerStorage;
  private readonly limit: number;
  private readonly prefix: string;
  /** Blocked addresses and until when (ms), for routes that must not even try a credential from them. */
  private readonly blockedUntil = new Map<string, number>();

  constructor(
    config: ConfigService<Environment, true>,
    memory: FixedWindowMemoryStorage,
    redis: FailSafeRedisStorage,
    @InjectPinoLogger(AuthFailureLimiter.name) private readonly logger: PinoLogger,
  ) {
    this.storage = config.get('RATE_LIMIT_STORAGE', { infer: true }) === 'redis' ? redis : memory;
    this.limit = config.get('AUTH_FAILURES_PER_MINUTE', { infer: true });
    this.prefix = config.get('RATE_LIMIT_REDIS_PREFIX', { infer: true });
  }

  async recordFailure(source: string): Promise<AuthFailureVerdict> {
    const key = `${this.prefix}:${COUNTER_NAME}:ip:${source}`;
    const record = await this.storage.increment(key, ONE_MINUTE_MS, this.limit, ONE_MINUTE_MS, COUNTER_NAME);
    if (record.isBlocked) {
      this.rememberBlock(source, record.timeToBlockExpire);
      await this.noticeBlocked(key, source, record.timeToBlockExpire);
    }
    return {
      firstInWindow: record.totalHits === 1,
      blocked: record.isBlocked,
      retryAfterSeconds: Math.max(1, record.timeToBlockExpire),
    };
  }

  /** Whether this process saw `source` blocked and the block has not expired (no storage round trip). */
  isBlocked(source: string, now = Date.now()): boolean {
    const until = this.blockedUntil.get(source);
    if (until === undefined) return false;
    if (until > now) return true;
    this.blockedUntil.delete(source);
    return false;
  }

  private rememberBlock(source: string, seconds: number): void {
    if (this.blockedUntil.size >= MAX_REMEMBERED_BLOCKS) this.blockedUntil.delete(this.blockedUntil.keys().next().value as string);
    this.blockedUntil.set(source, Date.now() + Math.max(1, seconds) * 1000);
  }

  /** One warn line per blocked address and window (a counter of its own, so replicas sharing Redis agree). */
  private async noticeBlocked(key: string, source: string, blockedSeconds: number): Promise<void> {
    const notices = await this.storage.increment(`${key}:blocked`, ONE_MINUTE_MS, 1, ONE_MINUTE_MS, COUNTER_NAME);
    if (notices.totalHits !== 1) return;
    this.logger.warn(
      { source, limit: this.limit, blocked_seconds: blockedSeconds },
      'too many failed authentications from one address: answering 429',
    );
  }
}
