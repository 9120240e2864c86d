import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import { FieldIssue } from '../errors/tool.exception';
import { dtoCheck } from './dto-check';
import { DtoClass } from './mcp-tool-options.interface';

function issuesOf(errors: readonly ValidationError[], parent = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const error of errors) {
    const field = /^\d+$/.test(error.property) ? `${parent}[${error.property}]` : parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      issues.push({
        field,
        message:
          constraint === 'whitelistValidation'
            ? 'is not an accepted field'
            : message.startsWith(`${error.property} `)
              ? message.slice(error.property.length + 1)
              : message,
      });
    }
    issues.push(...issuesOf(error.children ?? [], field));
  }
  return issues;
}

/**
 * Keys class-transformer cannot take: it reads `value.constructor` as the type to build (a `constructor` key
 * made it throw, answered 500), and assigns `__proto__` as the new object's prototype.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['constructor', '__proto__']);

/**
 * The path of the first reserved key in `plain` (`documents[0].metadata.constructor`), found without recursion.
 * The body's parse limits (depth, elements) bound the walk.
 */
export function reservedKeyPath(plain: object): string | undefined {
  const pending: { value: object; path: string }[] = [{ value: plain, path: '' }];
  while (pending.length > 0) {
    const { value, path } = pending.pop() as { value: object; path: string };
    const entries = Array.isArray(value) ? value.map((item, index) => [`[${index}]`, item] as const) : Object.entries(value).map(([key, item]) => [key, item] as const);
    for (const [key, item] of entries) {
      const at = key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
      if (!Array.isArray(value) && RESERVED_KEYS.has(key)) return at;
      if (item !== null && typeof item === 'object') pending.push({ value: item as object, path: at });
    }
  }
  return undefined;
}

export type DtoValidation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: FieldIssue[] };

/**
 * Turns plain JSON into an instance of the DTO and validates it: defaults from the DTO's initialisers,
 * each problem named by its field path (`items[0].name`). Unknown fields are refused (`strict`, for
 * arguments) or dropped (for results, so a tool returning an entity with extra columns still conforms).
 * The DTO's compiled check (dto-check.ts) answers first; class-validator decides whatever it does not accept.
 */
export async function validateDto<T extends object>(
  dto: DtoClass<T>,
  plain: unknown,
  unknownFields: 'refuse' | 'drop' = 'refuse',
  what = '(arguments)',
): Promise<DtoValidation<T>> {
  if (plain === undefined || plain === null) plain = {};
  if (typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, issues: [{ field: what, message: 'must be a JSON object' }] };
  }
  const reserved = reservedKeyPath(plain as object);
  if (reserved) return { ok: false, issues: [{ field: reserved, message: 'is a reserved key name (constructor and __proto__ are not accepted)' }] };
  const vouched = dtoCheck(dto)?.accept(plain as object, unknownFields);
  if (vouched !== undefined) return { ok: true, value: vouched };
  return classValidatorVerdict(dto, plain as object, unknownFields);
}

/** class-validator's verdict on `plain` (an object without reserved keys): the instance, or every problem. */
export async function classValidatorVerdict<T extends object>(dto: DtoClass<T>, plain: object, unknownFields: 'refuse' | 'drop'): Promise<DtoValidation<T>> {
  const value = plainToInstance(dto, plain);
  const errors = await validate(value, {
    whitelist: true,
    forbidNonWhitelisted: unknownFields === 'refuse',
    forbidUnknownValues: false,
  });
  return errors.length === 0 ? { ok: true, value } : { ok: false, issues: issuesOf(errors) };
}
