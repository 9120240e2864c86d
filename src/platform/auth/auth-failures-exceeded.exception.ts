import { HttpException, HttpStatus } from '@nestjs/common';

/** Too many failed authentications from one address: 429 with Retry-After. */
export class AuthFailuresExceededException extends HttpException {
  constructor(retryAfterSeconds: number) {
    super({ statusCode: HttpStatus.TOO_MANY_REQUESTS, retryAfterSeconds }, HttpStatus.TOO_MANY_REQUESTS);
  }
}
