import { HttpModule } from '@nestjs/axios';
import { Module } from '@nestjs/common';
import { McpModule } from '../../platform/mcp/mcp.module';
import { CustomersApiService } from './customers-api.service';
import { OpenApiToolsRegistrar } from './openapi-tools.registrar';
import { RestConfig } from './rest.config';
import { restMetrics } from './rest.metrics';
import { RestToolsRegistrar } from './rest-tools.registrar';
import { RestPrompts } from './rest.prompts';
import { RestTools } from './rest.tools';
import { UpstreamApiHealth } from './upstream-api.health';
import { upstreamHttpOptions } from './upstream-http.options';
import { UpstreamClient } from './upstream.client';

/**
 * The REST family: tools over the upstream API at API_BASE_URL (get_customer, and one tool per selected
 * operation of OPENAPI_SPEC), all through the one
 * UpstreamClient (pooled, retried, deadline-bound, circuit-broken, credential from configuration).
 * Without API_BASE_URL no tool is registered; the `upstream_api` health check then says `not_configured`.
 * Imports McpModule for the ToolRegistry the registrar registers into.
 */
@Module({
  imports: [
    McpModule,
    // The UpstreamClient's axios instance (HttpService.axiosRef); axios-retry and its interceptors go on top.
    HttpModule.registerAsync({ extraProviders: [RestConfig], inject: [RestConfig], useFactory: upstreamHttpOptions }),
  ],
  providers: [
    RestConfig,
    ...restMetrics,
    UpstreamClient,
    CustomersApiService,
    RestTools,
    RestPrompts,
    RestToolsRegistrar,
    OpenApiToolsRegistrar,
    UpstreamApiHealth,
  ],
  exports: [RestConfig, UpstreamClient],
})
export class RestToolsModule {}
