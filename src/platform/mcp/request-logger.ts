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

/** A line's fields when each is a string, number or boolean. */
export type FlatFields = Readonly<Record<string, string | number | boolean>>;

const flatLineLoggers = new WeakMap<Logger, Logger>();

/**
 * The root logger without its redaction, for lines of FlatFields only (the audit line). Every redacted path
 * (`*.password`, `req.headers.authorization`…) names a property of an object, which a flat line does not hold, so
 * redaction would leave it as it is; pino still runs it on each field of each line (4 % of a call's CPU). Made once
 * per root logger, with the root's level, stream, base fields and mixin.
 */
export function flatLineLogger(fallback: PinoLogger): { info(fields: FlatFields, message: string): void } {
  const root = rootLogger(fallback);
  let logger = flatLineLoggers.get(root);
  if (!logger) {
    logger = root.child({}, { redact: [] });
    flatLineLoggers.set(root, logger);
  }
  return logger;
}
