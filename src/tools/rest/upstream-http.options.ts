import * as http from 'node:http';
import * as https from 'node:https';
import { HttpModuleOptions } from '@nestjs/axios';
import { RestConfig } from './rest.config';

/**
 * The axios instance of the UpstreamClient, as `HttpModule` builds it: keep-alive agents capped at
 * API_MAX_CONNECTIONS sockets (so calls share a pool), the attempt timeout, no redirects, a bounded body read as
 * text (parsed by the client after a depth check), every status handed back (the client maps them), no proxy.
 */
export function upstreamHttpOptions(config: RestConfig): HttpModuleOptions {
  const agentOptions = { keepAlive: true, maxSockets: config.maxConnections, scheduling: 'lifo' } as const;
  return {
    httpAgent: new http.Agent(agentOptions),
    httpsAgent: new https.Agent(agentOptions),
    timeout: config.timeoutMs,
    maxRedirects: 0,
    maxContentLength: config.maxResponseBytes,
    maxBodyLength: config.maxResponseBytes,
    responseType: 'text',
    // The caller maps statuses; axios-retry's validateResponse (in UpstreamClient) decides which ones are retried.
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    paramsSerializer: { indexes: null },
    proxy: false,
  };
}
