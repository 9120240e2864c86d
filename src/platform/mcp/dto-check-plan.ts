import { ValidationTypes, getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ValidatorConstraintInterface } from 'class-validator';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { TransformationType } from 'class-transformer';
import { DtoClass } from './mcp-tool-options.interface';

/** A JSON Schema fragment of the check schema. */
export type CheckSchema = Record<string, unknown>;

/**
 * One class-validator constraint checked by its own `validate` function (see `cvConstraint` in dto-check.ts):
 * the constraints JSON Schema cannot express as class-validator does (lengths, patterns, custom ones).
 */
export interface ConstraintCall {
  readonly property: string;
  readonly each: boolean;
  readonly constraints: unknown[];
  readonly validators: readonly ValidatorConstraintInterface[];
}

/** How one DTO class's instance is built from plain JSON: its declared properties and which hold nested DTOs. */
export interface ClassPlan {
  readonly dto: DtoClass;
  readonly declared: ReadonlySet<string>;
  readonly nested: ReadonlyMap<string, ClassPlan>;
}

/** A DTO's check, ready to compile: the schema (with a `$defs` entry per nested class) and the build plan. */
export interface CheckPlan {
  readonly schema: CheckSchema;
  readonly root: ClassPlan;
}

/** Why a DTO stays on class-validator alone. */
export class NotCompilable extends Error {}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isPrimitive = (value: unknown): boolean =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && !Number.isNaN(value));

/**
 * Built-in constraints whose JSON Schema accepts only values class-validator accepts (for any JS value, not just
 * JSON: tool results are checked too; Ajv runs with `strictNumbers`, so NaN and ±Infinity are not numbers).
 * Each entry is the proof for its rule:
 * - isString/isBoolean/isArray/isObject: the same `typeof`/`Array.isArray` test (Ajv's `object` also refuses
 *   functions, which isObject takes: stricter).
 * - isInt: `Number.isInteger`, the same as Ajv's integer (finite, no fraction).
 * - isNumber: with no options, finite numbers only, as `strictNumbers`.
 * - min/max: a finite number on the right side of the bound, as `minimum`/`maximum` with `type: number`.
 * - maxLength: class-validator counts code points less U+FE0E/U+FE0F, never more than Ajv's code points.
 * - isIn: `===` against the listed primitives; NaN is left out (Ajv's `enum` finds NaN equal to itself).
 * - arrayMinSize/arrayMaxSize: `Array.isArray` and the length.
 * Anything else (minLength, length and matches among them: class-validator's lengths and flags differ from
 * Ajv's) is checked by class-validator's own function through the `cvConstraint` keyword.
 */
const STANDARD: Readonly<Record<string, (constraints: unknown[]) => CheckSchema | undefined>> = {
  isString: () => ({ type: 'string' }),
  isBoolean: () => ({ type: 'boolean' }),
  isArray: () => ({ type: 'array' }),
  isObject: () => ({ type: 'object' }),
  isInt: () => ({ type: 'integer' }),
  isNumber: ([options]) =>
    options === undefined || (typeof options === 'object' && options !== null && Object.keys(options).length === 0) ? { type: 'number' } : undefined,
  min: ([bound]) => (isFiniteNumber(bound) ? { type: 'number', minimum: bound } : undefined),
  max: ([bound]) => (isFiniteNumber(bound) ? { type: 'number', maximum: bound } : undefined),
  maxLength: ([bound]) => (isFiniteNumber(bound) && bound >= 0 ? { type: 'string', maxLength: bound } : undefined),
  isIn: ([values]) => (Array.isArray(values) && values.every(isPrimitive) ? { enum: values } : undefined),
  arrayMinSize: ([bound]) => (isFiniteNumber(bound) && bound >= 0 ? { type: 'array', minItems: bound } : undefined),
  arrayMaxSize: ([bound]) => (isFiniteNumber(bound) && bound >= 0 ? { type: 'array', maxItems: bound } : undefined),
};

/** class-validator's metadata of `dto` exactly as `validate()` reads it (no groups, not `always`, not strict). */
function metadataOf(dto: DtoClass): ValidationMetadata[] {
  return getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false, undefined);
}

function constraintName(meta: ValidationMetadata): string {
  return getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls)[0]?.name ?? '';
}

function checkClassTransformer(dto: DtoClass): void {
  const storage = defaultMetadataStorage;
  if (storage.getStrategy(dto) !== 'none' || storage.getExposedMetadatas(dto).length > 0 || storage.getExcludedMetadatas(dto).length > 0) {
    throw new NotCompilable(`${dto.name} has class-transformer expose/exclude rules`);
  }
}

function checkPropertyTransformer(dto: DtoClass, property: string): void {
  if (defaultMetadataStorage.findTransformMetadatas(dto, property, TransformationType.PLAIN_TO_CLASS).length > 0) {
    throw new NotCompilable(`${dto.name}.${property} has a class-transformer @Transform`);
  }
  if (property in dto.prototype) throw new NotCompilable(`${dto.name}.${property} is a method or accessor of the class`);
}

/** The nested DTO class of a `@ValidateNested()` property: only through `@Type(() => Class)`, no discriminator. */
function nestedClass(dto: DtoClass, property: string): DtoClass {
  const type = defaultMetadataStorage.findTypeMetadata(dto, property);
  const nested = type?.typeFunction() as unknown;
  if (!type || type.options?.discriminator || typeof nested !== 'function' || [String, Number, Boolean, Date, Object, Array].includes(nested as never)) {
    throw new NotCompilable(`${dto.name}.${property} is nested without @Type(() => Class)`);
  }
  return nested as DtoClass;
}

const eachOf = (meta: ValidationMetadata, fragment: CheckSchema): CheckSchema => (meta.each ? { type: 'array', items: fragment } : fragment);

/**
 * Builds the check plan of a DTO: the JSON Schema Ajv compiles, with which every accepted instance is one
 * class-validator accepts too (`refuse` and `drop` share it: unknown fields are the builder's business).
 * Constraints left to class-validator's own functions are appended to `calls`; the schema names their index.
 * Throws NotCompilable, with the reason, for a DTO whose rules it cannot carry: groups, `always`, `validateIf`,
 * `@ValidateIf`, promise or async validation, class-transformer transforms, nesting without `@Type`.
 */
export function dtoCheckPlan(dto: DtoClass, calls: ConstraintCall[]): CheckPlan {
  const plans = new Map<DtoClass, ClassPlan>();
  const defs: Record<string, CheckSchema> = {};
  const keys = new Map<DtoClass, string>();

  const keyOf = (cls: DtoClass): string => {
    let key = keys.get(cls);
    if (key === undefined) {
      key = `c${keys.size}`;
      keys.set(cls, key);
    }
    return key;
  };

  const planOf = (cls: DtoClass): ClassPlan => {
    const known = plans.get(cls);
    if (known) return known;
    const declared = new Set<string>();
    const nested = new Map<string, ClassPlan>();
    const plan: ClassPlan = { dto: cls, declared, nested };
    plans.set(cls, plan);
    checkClassTransformer(cls);
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const meta of metadataOf(cls)) {
      if (meta.groups?.length || meta.always !== undefined || meta.validateIf) {
        throw new NotCompilable(`${cls.name}.${meta.propertyName} uses validation groups, always or validateIf`);
      }
      byProperty.set(meta.propertyName, [...(byProperty.get(meta.propertyName) ?? []), meta]);
    }
    const properties: Record<string, CheckSchema> = {};
    const required: string[] = [];
    for (const [property, metas] of byProperty) {
      checkPropertyTransformer(cls, property);
      declared.add(property);
      const fragments: CheckSchema[] = [];
      let optional = false;
      for (const meta of metas) {
        if (meta.type === ValidationTypes.WHITELIST) continue;
        if (meta.type === ValidationTypes.CONDITIONAL_VALIDATION) {
          if (meta.name !== 'isOptional') throw new NotCompilable(`${cls.name}.${property} has a @ValidateIf`);
          optional = true;
        } else if (meta.type === ValidationTypes.IS_DEFINED) {
          fragments.push({ not: { type: 'null' } });
        } else if (meta.type === ValidationTypes.NESTED_VALIDATION) {
          const child = nestedClass(cls, property);
          nested.set(property, planOf(child));
          fragments.push(eachOf(meta, { $ref: `#/$defs/${keyOf(child)}` }));
        } else if (meta.type === ValidationTypes.CUSTOM_VALIDATION) {
          fragments.push(customFragment(cls, meta, calls));
        } else {
          throw new NotCompilable(`${cls.name}.${property} uses ${meta.type} validation`);
        }
      }
      // Without @IsOptional class-validator checks an absent value too; requiring it is never more lenient.
      if (!optional) required.push(property);
      properties[property] = fragments.length === 1 ? fragments[0] : fragments.length === 0 ? {} : { allOf: fragments };
    }
    const defaults = Object.keys(new cls() as object).filter((name) => !declared.has(name));
    if (defaults.length > 0) throw new NotCompilable(`${cls.name} initialises undeclared properties (${defaults.join(', ')})`);
    defs[keyOf(cls)] = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
    return plan;
  };

  const root = planOf(dto);
  return { schema: { $ref: `#/$defs/${keyOf(dto)}`, $defs: defs }, root };
}

function customFragment(cls: DtoClass, meta: ValidationMetadata, calls: ConstraintCall[]): CheckSchema {
  const name = constraintName(meta);
  const standard = STANDARD[name]?.(meta.constraints ?? []);
  if (standard) return eachOf(meta, standard);
  const constraints = getMetadataStorage().getTargetValidatorConstraints(meta.constraintCls);
  if (constraints.length === 0 || constraints.some((constraint) => constraint.async)) {
    throw new NotCompilable(`${cls.name}.${meta.propertyName}: ${name || 'a constraint'} is asynchronous`);
  }
  calls.push({ property: meta.propertyName, each: meta.each, constraints: meta.constraints, validators: constraints.map((constraint) => constraint.instance) });
  return { cvConstraint: calls.length - 1 };
}
