import { HttpStatus, ServiceUnavailableException } from '@nestjs/common';

/** The rate-limit store is down and the policy is fail-closed: 503 with Retry-After. */
export class RateLimitUnavailableException extends ServiceUnavailableException {
  constructor(retryAfterSeconds = 5) {
    super({ statusCode: HttpStatus.SERVICE_UNAVAILABLE, retryAfterSeconds });
  }
}
