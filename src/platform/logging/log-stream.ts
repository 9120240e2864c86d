import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { DestinationStream } from 'pino';
import { prettyFactory } from 'pino-pretty';
import { Environment } from '../../config/environment';
import { RuntimeOptions } from '../../config/runtime-options';

type LogSettings = Pick<Environment, 'LOG_FORMAT' | 'LOG_OUTPUT' | 'LOG_FILE'>;

/** Re-formats each JSON line as one human-readable line before it reaches the destination. */
function asText(destination: DestinationStream): DestinationStream {
  const format = prettyFactory({ colorize: false, translateTime: 'SYS:standard' });
  return { write: (line: string) => destination.write(format(line)) };
}

/**
 * Where log lines go: stdout (stderr under stdio, since stdout carries JSON-RPC there), a file, or both;
 * as JSON or as human-readable text.
 */
export function createLogStream(settings: LogSettings, runtime: RuntimeOptions): DestinationStream {
  const targets: DestinationStream[] = [];
  if (settings.LOG_OUTPUT !== 'file') {
    targets.push(runtime.logStream ?? pino.destination({ fd: runtime.stdio ? 2 : 1 }));
  }
  if (settings.LOG_OUTPUT !== 'stdout') {
    mkdirSync(dirname(settings.LOG_FILE), { recursive: true });
    targets.push(pino.destination({ dest: settings.LOG_FILE, append: true }));
  }
  const formatted = settings.LOG_FORMAT === 'text' ? targets.map(asText) : targets;
  return formatted.length === 1 ? formatted[0] : pino.multistream(formatted.map((stream) => ({ stream })));
}
