import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { Environment } from '../../config/environment';
import { RUNTIME_OPTIONS, RuntimeOptions } from '../../config/runtime-options';
import { traceLogFields } from '../tracing/trace-log-fields';
import { tracingConfigured } from '../tracing/tracing-settings';
import { createLogStream } from './log-stream';
import { redactQuery } from './redact-query';
import { assignRequestId } from './request-id';

/** Paths that are written in every log line's place if they ever appear in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  '*.authorization',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.API_KEY_PRIMARY',
  '*.API_KEY_SECONDARY',
];

const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);
/** Successful tool calls are logged once, by the ToolInvoker's audit line, not twice. */
/** Any spelling the router serves as those routes (`/MCP`, `/mcp/`): case-insensitive, one optional trailing slash. */
const AUDITED_PATHS = /^\/(mcp|v1\/(tools|mcp)\/[^/?]+)\/?(\?|$)/i;

/**
 * What pino-http writes about each request (the `request completed` line, its level and fields): shared by
 * nestjs-pino's middleware (every Express route) and the direct `/mcp` route, so both log requests alike.
 */
export function httpRequestLogOptions(): Pick<Options, 'genReqId' | 'customAttributeKeys' | 'quietReqLogger' | 'serializers'> & Required<Pick<Options, 'customLogLevel'>> {
  return {
    genReqId: (req: IncomingMessage, res: ServerResponse) => assignRequestId(req, res),
    customAttributeKeys: { reqId: 'request_id' },
    quietReqLogger: true,
    customLogLevel: (req: IncomingMessage, res: ServerResponse, error?: Error) => {
      if (error || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      if (req.method === 'POST' && AUDITED_PATHS.test(req.url ?? '')) return 'silent';
      return QUIET_PATHS.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
    serializers: {
      req: (req: { method: string; url: string; remoteAddress?: string }) => ({
        method: req.method,
        url: redactQuery(req.url),
        remote_address: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  };
}

/**
 * nestjs-pino wired from config: one JSON (or text) line per event, the request id on each.
 * `forRoot()` runs when the app module is built, after every `@InjectPinoLogger()` has been declared.
 */
@Module({})
export class LoggingModule {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
    LoggerModule.forRootAsync({
      inject: [ConfigService, RUNTIME_OPTIONS],
      useFactory: (config: ConfigService<Environment, true>, runtime: RuntimeOptions) => ({
        pinoHttp: {
          level: config.get('LOG_LEVEL', { infer: true }),
          stream: createLogStream(
            {
              LOG_FORMAT: config.get('LOG_FORMAT', { infer: true }),
              LOG_OUTPUT: config.get('LOG_OUTPUT', { infer: true }),
              LOG_FILE: config.get('LOG_FILE', { infer: true }),
            },
            runtime,
          ),
          base: { service: 'mcp-tool-server' },
          // With tracing on, each line written inside a span carries its trace_id and span_id.
          ...(tracingConfigured(config) ? { mixin: traceLogFields } : {}),
          redact: { paths: REDACTED_PATHS, censor: '[Redacted]' },
          ...httpRequestLogOptions(),
        },
      }),
    }),
      ],
    };
  }
}
