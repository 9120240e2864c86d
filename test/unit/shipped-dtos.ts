import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parse } from 'yaml';
import { DtoClass } from '../../src/platform/mcp/mcp-tool-options.interface';
import { openApiInputDto } from '../../src/tools/rest/openapi-input.dto';
import { openApiOperations } from '../../src/tools/rest/openapi-operations';
import { sqlCatalogInputDto } from '../../src/tools/sql/sql-catalog-input.dto';
import { parseSqlCatalog } from '../../src/tools/sql/sql-catalog.schema';

const ROOT = join(__dirname, '..', '..');

function dtoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? dtoFiles(join(dir, entry.name)) : entry.name.endsWith('.dto.ts') ? [join(dir, entry.name)] : [],
  );
}

const hasRules = (value: unknown): value is DtoClass =>
  typeof value === 'function' && getMetadataStorage().getTargetValidationMetadatas(value, '', false, false, undefined).length > 0;

/**
 * Every DTO the server ships: the classes exported by `src/tools/**\/*.dto.ts` that carry class-validator rules,
 * and the ones built at boot from the examples (the SQL catalog's queries, the OpenAPI spec's operations).
 */
export function shippedDtos(): Map<string, DtoClass> {
  const dtos = new Map<string, DtoClass>();
  for (const file of dtoFiles(join(ROOT, 'src', 'tools'))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const [name, value] of Object.entries(require(file) as Record<string, unknown>)) if (hasRules(value)) dtos.set(name, value);
  }
  const catalog = parseSqlCatalog(readFileSync(join(ROOT, 'examples', 'queries.yaml'), 'utf8'), { defaultMaxRows: 100, maxRowsLimit: 1000 });
  for (const query of catalog.queries) dtos.set(`catalog:${query.name}`, sqlCatalogInputDto(query));
  const spec = parse(readFileSync(join(ROOT, 'examples', 'customers-api.openapi.yaml'), 'utf8')) as unknown;
  for (const operation of openApiOperations(spec).operations) dtos.set(`openapi:${operation.toolName}`, openApiInputDto(operation));
  return dtos;
}
