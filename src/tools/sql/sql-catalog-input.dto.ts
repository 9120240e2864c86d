import {
  buildMessage,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { JsonSchema } from '../../platform/mcp/dto-json-schema';
import { validateDto } from '../../platform/mcp/dto-validator';
import { DtoClass } from '../../platform/mcp/mcp-tool-options.interface';
import { pascalCase, runtimeDtoClass } from '../../platform/mcp/runtime-dto';
import { SqlCatalogParameter, SqlCatalogQuery } from './sql-catalog.schema';

/** The longest string a `string` parameter accepts when its declaration gives no `maxLength`. */
export const SQL_CATALOG_DEFAULT_MAX_LENGTH = 1000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

/** `2024-02-29`: a real calendar day, written as PostgreSQL and JSON Schema's `date` format agree. */
export function isIsoDate(value: unknown): boolean {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  return match !== null && isCalendarDate(match[1], match[2], match[3]);
}

/** `2024-02-29`, `2024-02-29T13:05`, `2024-02-29T13:05:00.123Z`, `2024-02-29 13:05:00+02:00`. */
export function isIsoTimestamp(value: unknown): boolean {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (match === null || !isCalendarDate(match[1], match[2], match[3])) return false;
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => (part === undefined ? 0 : Number(part)));
  return hour <= 23 && minute <= 59 && second <= 59;
}

const IsIsoDate = (): PropertyDecorator =>
  ValidateBy({
    name: 'isIsoDate',
    validator: { validate: isIsoDate, defaultMessage: buildMessage((each) => `${each}$property must be a date written YYYY-MM-DD`) },
  });

const IsIsoTimestamp = (): PropertyDecorator =>
  ValidateBy({
    name: 'isIsoTimestamp',
    validator: {
      validate: isIsoTimestamp,
      defaultMessage: buildMessage((each) => `${each}$property must be an ISO 8601 timestamp (YYYY-MM-DD, optionally THH:MM[:SS[.ffffff]] and Z or ±HH:MM)`),
    },
  });

/** The JSON Schema of one parameter, exactly as declared (the DTO's validators enforce the same rules). */
export function parameterJsonSchema(parameter: SqlCatalogParameter): JsonSchema {
  const description = parameter.description !== undefined ? { description: parameter.description } : {};
  switch (parameter.type) {
    case 'integer':
    case 'number':
      return {
        type: parameter.type,
        ...(parameter.minimum !== undefined ? { minimum: parameter.minimum } : {}),
        ...(parameter.maximum !== undefined ? { maximum: parameter.maximum } : {}),
        ...description,
      };
    case 'string':
      return {
        type: 'string',
        ...(parameter.enum !== undefined ? { enum: [...parameter.enum] } : {}),
        ...(parameter.minLength !== undefined ? { minLength: parameter.minLength } : {}),
        ...(parameter.enum === undefined ? { maxLength: stringMaxLength(parameter) } : {}),
        ...(parameter.pattern !== undefined ? { pattern: parameter.pattern } : {}),
        ...description,
      };
    case 'boolean':
      return { type: 'boolean', ...description };
    case 'date':
      return { type: 'string', format: 'date', ...description };
    case 'timestamp':
      return { type: 'string', format: 'date-time', ...description };
  }
}

function stringMaxLength(parameter: SqlCatalogParameter): number {
  return parameter.maxLength ?? Math.max(SQL_CATALOG_DEFAULT_MAX_LENGTH, parameter.minLength ?? 0);
}

/** The class-validator decorators of one parameter, the type check first so that its message comes first. */
function validatorsOf(parameter: SqlCatalogParameter): PropertyDecorator[] {
  const decorators: PropertyDecorator[] = [typeValidator(parameter)];
  if (parameter.optional && parameter.default === undefined) decorators.push(IsOptional());
  if (parameter.minimum !== undefined) decorators.push(Min(parameter.minimum));
  if (parameter.maximum !== undefined) decorators.push(Max(parameter.maximum));
  if (parameter.type === 'string') {
    if (parameter.enum !== undefined) decorators.push(IsIn([...parameter.enum]));
    else decorators.push(MaxLength(stringMaxLength(parameter)));
    if (parameter.minLength !== undefined) decorators.push(MinLength(parameter.minLength));
    if (parameter.pattern !== undefined) decorators.push(Matches(new RegExp(parameter.pattern)));
  }
  return decorators;
}

function typeValidator(parameter: SqlCatalogParameter): PropertyDecorator {
  switch (parameter.type) {
    case 'integer':
      return IsInt();
    case 'number':
      return IsNumber({ allowNaN: false, allowInfinity: false });
    case 'string':
      return IsString();
    case 'boolean':
      return IsBoolean();
    case 'date':
      return IsIsoDate();
    case 'timestamp':
      return IsIsoTimestamp();
  }
}

/**
 * Builds, at runtime, the input DTO class of one catalog query: one property per parameter with the
 * class-validator decorators the declaration implies (applied programmatically, as `@IsInt()` would be),
 * its JSON Schema pinned with `@JSONSchema`, and defaults assigned by the constructor, which is where
 * the validator and `dtoJsonSchema` both find them. The class is named `SqlCatalog<PascalName>Input`.
 *
 * @example
 * const Input = sqlCatalogInputDto(query); // query declares limit: { type: integer, minimum: 1, default: 50 }
 * dtoJsonSchema(Input).properties.limit; // { type: 'integer', minimum: 1, default: 50 }
 */
export function sqlCatalogInputDto(query: SqlCatalogQuery): DtoClass {
  return runtimeDtoClass(
    `SqlCatalog${pascalCase(query.name)}Input`,
    query.parameters.map((parameter) => {
      const schema = parameterJsonSchema(parameter);
      return {
        name: parameter.name,
        decorators: [...validatorsOf(parameter), JSONSchema(() => schema)],
        default: parameter.default,
      };
    }),
  );
}

/**
 * Checks each default against its own parameter's rules (`default: 600` with `maximum: 500`), with the
 * validator's messages: `parameters.limit.default must not be greater than 500`.
 */
export async function defaultProblems(query: SqlCatalogQuery, input: DtoClass): Promise<string[]> {
  const defaulted = new Set(query.parameters.filter((parameter) => parameter.default !== undefined).map((parameter) => parameter.name));
  if (defaulted.size === 0) return [];
  const checked = await validateDto(input, {});
  if (checked.ok) return [];
  return checked.issues.filter((issue) => defaulted.has(issue.field)).map((issue) => `parameters.${issue.field}.default ${issue.message}`);
}
