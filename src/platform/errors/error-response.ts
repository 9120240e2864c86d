import { HttpException, HttpStatus } from '@nestjs/common';
import { ErrorBody } from './error-body';
import { bearerChallenge } from '../auth/oauth-challenge';
import { HTTP_STATUS_OF } from './tool-error-status';
import { InvalidArgumentsException, ToolException, ToolForbiddenException, ToolRetryException } from './tool.exception';

/** What the client gets for one error: status, safe JSON body, extra headers. */
export interface ErrorResponse {
  readonly httpStatus: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the error is not one we expected: log it in full at error level. */
  readonly unexpected: boolean;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

const INTERNAL = 'Internal server error';

/** Status of errors thrown by body-parser and friends (`http-errors`): trusted only when `expose` is set. */
function exposedHttpError(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { expose, status } = error as { expose?: unknown; status?: unknown };
  return expose === true && typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function fromHttpStatus(status: number, requestId: string, headers: Record<string, string> = {}): ErrorResponse {
  const known = status < 500 || status === HttpStatus.SERVICE_UNAVAILABLE;
  return {
    httpStatus: status,
    body: { error: known ? (REASON_PHRASES[status] ?? 'Bad Request') : INTERNAL, request_id: requestId },
    headers: status === HttpStatus.UNAUTHORIZED ? { 'WWW-Authenticate': bearerChallenge(), ...headers } : headers,
    unexpected: status >= 500 && status !== HttpStatus.SERVICE_UNAVAILABLE,
  };
}

/** `Retry-After` for `retry`; RFC 6750 `insufficient_scope` (with the missing scopes) for `forbidden`. */
function toolErrorHeaders(error: ToolException): Record<string, string> {
  if (error instanceof ToolRetryException) return { 'Retry-After': String(error.retryAfterSeconds) };
  if (error instanceof ToolForbiddenException) {
    return { 'WWW-Authenticate': bearerChallenge({ error: 'insufficient_scope', scope: error.missingScopes.join(' ') }) };
  }
  return {};
}

function fromToolException(error: ToolException, requestId: string): ErrorResponse {
  const body: ErrorBody = {
    error: error.status === 'error' ? INTERNAL : error.message,
    status: error.status,
    request_id: requestId,
    ...(error instanceof InvalidArgumentsException ? { issues: error.issues } : {}),
  };
  return {
    httpStatus: HTTP_STATUS_OF[error.status],
    body,
    headers: toolErrorHeaders(error),
    unexpected: error.status === 'error',
  };
}

/**
 * The one mapper from any thrown value to what the client sees. Known errors keep their status and a
 * fixed, safe message; anything else becomes a generic 500. Never includes a stack or a driver message.
 */
export function toErrorResponse(error: unknown, requestId: string): ErrorResponse {
  if (error instanceof ToolException) return fromToolException(error, requestId);
  if (error instanceof HttpException) {
    const { retryAfterSeconds, wwwAuthenticate } = error.getResponse() as { retryAfterSeconds?: unknown; wwwAuthenticate?: unknown };
    return fromHttpStatus(error.getStatus(), requestId, {
      ...(typeof retryAfterSeconds === 'number' ? { 'Retry-After': String(retryAfterSeconds) } : {}),
      ...(typeof wwwAuthenticate === 'string' ? { 'WWW-Authenticate': wwwAuthenticate } : {}),
    });
  }
  const exposed = exposedHttpError(error);
  if (exposed !== undefined) return fromHttpStatus(exposed, requestId);
  return fromHttpStatus(HttpStatus.INTERNAL_SERVER_ERROR, requestId);
}
