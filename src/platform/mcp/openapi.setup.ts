import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { PACKAGE_INFO } from '../../config/package-info';
import { buildOpenApiDocument } from './openapi-document';
import { ToolRegistry } from './tool.registry';

/** Where Swagger UI is served; the JSON document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';

/**
 * Serves the OpenAPI document of the REST facade at `/docs-json` and Swagger UI at `/docs`. The registry
 * is filled at bootstrap, so the document is built on the first request (then kept). SwaggerModule
 * registers plain HTTP routes: no Nest guard runs on them, so they need no key and are not rate limited.
 */
export function setupOpenApi(app: INestApplication): void {
  const registry = app.get(ToolRegistry);
  SwaggerModule.setup(
    DOCS_PATH,
    app,
    () =>
      buildOpenApiDocument(registry.definitions(), {
        title: `${PACKAGE_INFO.name} REST facade`,
        version: PACKAGE_INFO.version,
        description:
          'Every MCP tool of this server as one JSON operation. Send the arguments as the body; ' +
          'errors answer `{error, status, request_id}`.',
      }),
    { raw: ['json'], customSiteTitle: `${PACKAGE_INFO.name} tools` },
  );
}
