import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';

/**
 * A child of the root logger with `bindings` (e.g. the request id). The root, not the request-bound logger,
 * so `request_id` appears once whichever door (MCP, REST, stdio) the call came through; `fallback` serves
 * before nestjs-pino has set the root (tests that build the core without it).
 */
export function requestLogger(fallback: PinoLogger, bindings: Record<string, unknown>): Logger {
  return rootLogger(fallback).child(bindings);
}

/** The root logger itself, for a single line that carries its bindings inline (no child made per line). */
export function rootLogger(fallback: PinoLogger): Logger {
  return (PinoLogger.root as Logger | undefined) ?? fallback.logger;
}
