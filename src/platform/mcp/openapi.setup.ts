import { INestApplication } from '@nestjs/common';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Request } from 'express';
import { PACKAGE_INFO } from '../../config/package-info';
import { ApiKeyStore } from '../auth/api-key.store';
import { bearerCredential } from '../auth/bearer-credential';
import { buildOpenApiDocument } from './openapi-document';
import { ToolDefinition, ToolRegistry } from './tool.registry';

/** Where Swagger UI is served; the JSON document is at `${DOCS_PATH}-json`. */
export const DOCS_PATH = 'docs';

const SERVICE_INFO = {
  title: `${PACKAGE_INFO.name} REST facade`,
  version: PACKAGE_INFO.version,
  description:
    'Every MCP tool of this server as one JSON operation. Send the arguments as the body; ' +
    'errors answer `{error, status, request_id}`.',
};

/**
 * Serves the OpenAPI document of the REST facade at `/docs-json` and Swagger UI at `/docs`. SwaggerModule
 * registers plain HTTP routes: no Nest guard runs on them, so they need no key and are not rate limited.
 * Without a key (or with one that is not valid) the document describes every tool: a tool's name and schema
 * grant nothing, and calling still needs a key with its scopes. With a valid key, it describes only the tools
 * that key may call, as `GET /v1/tools` lists them. The full document is built on the first request (the
 * registry is filled at bootstrap), then kept.
 */
export function setupOpenApi(app: INestApplication): void {
  const registry = app.get(ToolRegistry);
  const keys = app.get(ApiKeyStore);
  const documentOf = (tools: ToolDefinition[]): OpenAPIObject => buildOpenApiDocument(tools, SERVICE_INFO);
  SwaggerModule.setup(DOCS_PATH, app, () => documentOf(registry.definitions()), {
    raw: ['json'],
    customSiteTitle: `${PACKAGE_INFO.name} tools`,
    patchDocumentOnRequest: <TRequest>(req: TRequest, _res: unknown, document: OpenAPIObject): OpenAPIObject => {
      const presented = bearerCredential((req as Request).headers.authorization);
      const check = presented === undefined ? undefined : keys.verify(presented);
      return check?.status === 'ok' ? documentOf(registry.definitionsFor(check.principal.scopes)) : document;
    },
  });
}
