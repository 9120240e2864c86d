import { INestApplication } from '@nestjs/common';
import { OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { Request } from 'express';
import { PACKAGE_INFO } from '../../config/package-info';
import { ApiKeyStore } from '../auth/api-key.store';
import { AuthFailureLimiter } from '../auth/auth-failure.limiter';
import { bearerCredential } from '../auth/bearer-credential';
import { OAuthTokenVerifier } from '../auth/oauth-token.verifier';
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
 * Without a credential (or with one that is not valid) the document describes every tool: a tool's name and
 * schema grant nothing, and calling still needs a credential with its scopes. With a valid key or, when
 * OAUTH_ISSUER is set, a valid OAuth access token, it describes only the tools that caller may call, as
 * `GET /v1/tools` lists them. The full document is built on the first request (the registry is filled at
 * bootstrap), then kept.
 */
export function setupOpenApi(app: INestApplication): void {
  const registry = app.get(ToolRegistry);
  const keys = app.get(ApiKeyStore);
  const oauth = app.get(OAuthTokenVerifier);
  const failures = app.get(AuthFailureLimiter);
  /**
   * The scopes of a valid key or token; undefined for no credential, an invalid one, or an unreachable issuer.
   * This public route must not be a way around the guard's failure limit: a refused credential counts against its
   * address, and a blocked address gets the anonymous document without any credential being tried.
   */
  const callerScopes = async (presented: string | undefined, source: string): Promise<readonly string[] | undefined> => {
    if (presented === undefined || failures.isBlocked(source)) return undefined;
    const check = keys.verify(presented);
    if (check.status === 'ok') return check.principal.scopes;
    const verdict = check.status === 'unknown' && oauth.looksLikeToken(presented) ? await oauth.verify(presented).catch(() => undefined) : undefined;
    if (verdict?.ok) return verdict.principal.scopes;
    await failures.recordFailure(source);
    return undefined;
  };
  const documentOf = (tools: ToolDefinition[]): OpenAPIObject => buildOpenApiDocument(tools, SERVICE_INFO);
  SwaggerModule.setup(DOCS_PATH, app, () => documentOf(registry.definitions()), {
    raw: ['json'],
    customSiteTitle: `${PACKAGE_INFO.name} tools`,
    patchDocumentOnRequest: async <TRequest>(req: TRequest, _res: unknown, document: OpenAPIObject): Promise<OpenAPIObject> => {
      const request = req as Request;
      const scopes = await callerScopes(bearerCredential(request.headers.authorization), request.ip ?? request.socket.remoteAddress ?? 'unknown');
      return scopes ? documentOf(registry.definitionsFor(scopes)) : document;
    },
  });
}
