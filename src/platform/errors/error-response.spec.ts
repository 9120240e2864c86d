import { BadRequestException, HttpException, UnauthorizedException } from '@nestjs/common';
import { toErrorResponse } from './error-response';
import { InvalidArgumentsException, ToolForbiddenException, ToolRetryException } from './tool.exception';

describe('toErrorResponse', () => {
  it('maps a forbidden tool error to 403 with its safe message and status', () => {
    const answer = toErrorResponse(new ToolForbiddenException('Key lacks scope sql:read'), 'r1');
    expect(answer).toMatchObject({
      httpStatus: 403,
      body: { error: 'Key lacks scope sql:read', status: 'forbidden', request_id: 'r1' },
      unexpected: false,
    });
  });

  it('keeps the cause of a retry out of the body', () => {
    const answer = toErrorResponse(new ToolRetryException('Database busy', 3, { cause: new Error('FATAL: pw=x') }), 'r2');
    expect(JSON.stringify(answer.body)).not.toContain('pw=x');
    expect(answer.headers).toEqual({ 'Retry-After': '3' });
  });

  it('lists each bad field of invalid arguments', () => {
    const answer = toErrorResponse(
      new InvalidArgumentsException([
        { field: 'limit', message: 'must be an integer' },
        { field: 'offset', message: 'must not be less than 0' },
      ]),
      'r3',
    );
    expect(answer.body.error).toBe('Invalid arguments: limit must be an integer; offset must not be less than 0');
    expect(answer.body.issues).toHaveLength(2);
  });

  it('gives HTTP exceptions a fixed reason phrase, never their own message', () => {
    const answer = toErrorResponse(new BadRequestException('SELECT failed: relation "secrets" does not exist'), 'r4');
    expect(answer.body).toEqual({ error: 'Bad Request', request_id: 'r4' });
    expect(toErrorResponse(new UnauthorizedException(), 'r5').headers['WWW-Authenticate']).toMatch(/^Bearer/);
  });

  it('hides 5xx HTTP exceptions and unknown values behind a generic 500', () => {
    expect(toErrorResponse(new HttpException('boom', 502), 'r6')).toMatchObject({
      httpStatus: 502,
      body: { error: 'Internal server error' },
      unexpected: true,
    });
    expect(toErrorResponse('a string', 'r7')).toMatchObject({ httpStatus: 500, unexpected: true });
    expect(toErrorResponse({ status: 418, expose: false }, 'r8').httpStatus).toBe(500);
  });
});
