import SwaggerParser from '@apidevtools/swagger-parser';

/** The OPENAPI_SPEC file cannot be read, parsed or validated; the message names the file and the parser's reason. */
export class OpenApiSpecLoadError extends Error {
  constructor(file: string, reason: string) {
    super(`OPENAPI_SPEC ${file} is not a valid OpenAPI 3.x document: ${reason}`);
    this.name = 'OpenApiSpecLoadError';
  }
}

/**
 * Reads an OpenAPI 3.0/3.1 document (JSON or YAML), validates it against the OpenAPI schema and rules
 * with swagger-parser, and returns it dereferenced (every `$ref` replaced by its target). `$ref`s to other
 * local files are followed; `$ref`s to URLs are not (booting never reaches the network). Swagger 2.0 is refused.
 *
 * @example
 * const document = await loadOpenApiDocument('examples/customers-api.openapi.yaml');
 */
export async function loadOpenApiDocument(file: string): Promise<Record<string, unknown>> {
  let document: Record<string, unknown>;
  try {
    document = (await SwaggerParser.validate(file, { resolve: { http: false } })) as unknown as Record<string, unknown>;
  } catch (error) {
    throw new OpenApiSpecLoadError(file, error instanceof Error ? error.message : String(error));
  }
  if (typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new OpenApiSpecLoadError(file, 'only OpenAPI 3.0 and 3.1 are supported (found Swagger 2.0 or another version)');
  }
  return document;
}
