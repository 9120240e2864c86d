import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import type { ValidationArguments } from 'class-validator';
import { ClassPlan, ConstraintCall, NotCompilable, dtoCheckPlan } from './dto-check-plan';
import { DtoClass } from './mcp-tool-options.interface';

/** The constraints the compiled checks leave to class-validator's own functions, by the index their schema names. */
const calls: ConstraintCall[] = [];

/**
 * One constraint as class-validator's executor runs it (`customValidations`): its validator functions, with the
 * same arguments, over each item of an array, Set or Map when the rule is `each`. A promise (a validator that is
 * asynchronous without saying so) is not a pass: class-validator then decides.
 */
function passes(call: ConstraintCall, value: unknown, object: Record<string, unknown>): boolean {
  // As class-validator builds them, `targetName` undefined for an object without a constructor included.
  const args = {
    targetName: (object.constructor as { name?: string } | undefined)?.name,
    property: call.property,
    object,
    value,
    constraints: call.constraints,
  } as ValidationArguments;
  const collection = call.each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
  const items: readonly unknown[] = collection ? (Array.isArray(value) ? value : [...(value as Set<unknown> | Map<unknown, unknown>).values()]) : [value];
  for (const validator of call.validators) {
    for (const item of items) {
      const verdict: unknown = validator.validate(item, args);
      if (verdict instanceof Promise) {
        verdict.catch(() => undefined);
        return false;
      }
      if (!verdict) return false;
    }
  }
  return true;
}

/**
 * Ajv for the compiled checks: `strictNumbers` (NaN and ±Infinity are not numbers, as class-validator's
 * isNumber/isInt/min/max without options), first failure only (a failure goes to class-validator for its messages).
 */
const ajv = new Ajv2020({ strict: true, strictNumbers: true, allErrors: false, logger: false });
ajv.addKeyword({
  keyword: 'cvConstraint',
  schemaType: 'number',
  errors: false,
  validate: (index: number, data: unknown, _schema?: unknown, context?: { parentData?: unknown }) =>
    passes(calls[index], data, (context?.parentData ?? {}) as Record<string, unknown>),
});

/** Keys class-transformer leaves out of the objects it copies: they name a function of `{}` (`toString`, `valueOf`…). */
const SKIPPED_KEYS: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(Object.prototype).filter((name) => typeof (Object.prototype as Record<string, unknown>)[name] === 'function'),
);

/**
 * Whether class-transformer's copy of a free-form value (no DTO of its own) is equal to the value itself, so that
 * sharing it gives the tool (or the answer) what class-transformer gave: only arrays, plain objects and dates, and
 * no key class-transformer skips, at any depth (a Map, a Set, a class instance or an object without prototype are
 * left to class-transformer and class-validator). Iterative: the body's limits bound arguments, not the stack.
 */
function copiedAlike(root: object): boolean {
  const pending: object[] = [root];
  while (pending.length > 0) {
    const value = pending.pop() as object;
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype === Date.prototype) continue;
    if (prototype === Array.prototype) {
      for (const item of value as unknown[]) if (item !== null && typeof item === 'object') pending.push(item);
    } else if (prototype === Object.prototype) {
      for (const key of Object.keys(value)) {
        if (SKIPPED_KEYS.has(key)) return false;
        const item = (value as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') pending.push(item);
      }
    } else {
      return false;
    }
  }
  return true;
}

/**
 * The instance class-transformer's `plainToInstance` makes of `plain` for a DTO that passed `dtoCheckPlan`, less the
 * undeclared fields class-validator's whitelist strips: `new Dto()` (its defaults), the declared own keys of `plain`
 * copied, nested DTOs built the same way. Undefined when `refuse` and a field at any level is undeclared.
 */
function build(plan: ClassPlan, plain: object, refuse: boolean): object | undefined {
  const instance = new plan.dto() as Record<string, unknown>;
  for (const key of Object.keys(plain)) {
    if (!plan.declared.has(key)) {
      if (refuse) return undefined;
      continue;
    }
    const value = (plain as Record<string, unknown>)[key];
    const nested = plan.nested.get(key);
    if (value === null || typeof value !== 'object') {
      instance[key] = value;
    } else if (nested === undefined) {
      if (!copiedAlike(value)) return undefined;
      instance[key] = value;
    } else if (Object.getPrototypeOf(value) === Array.prototype) {
      const items: unknown[] = new Array<unknown>((value as unknown[]).length);
      for (let index = 0; index < items.length; index += 1) {
        const item: unknown = (value as unknown[])[index];
        if (item === null || typeof item !== 'object') {
          items[index] = item;
          continue;
        }
        const built = Object.getPrototypeOf(item) === Object.prototype ? build(nested, item, refuse) : undefined;
        if (built === undefined) return undefined;
        items[index] = built;
      }
      instance[key] = items;
    } else {
      // class-transformer copies a Date, Map or class instance as such, and class-validator takes it: not vouched for.
      const built = Object.getPrototypeOf(value) === Object.prototype ? build(nested, value, refuse) : undefined;
      if (built === undefined) return undefined;
      instance[key] = built;
    }
  }
  return instance;
}

/**
 * A DTO's validation compiled once: an Ajv function over the instance built from the plain value. It can only
 * vouch: when it accepts, class-validator would have accepted the same instance; when it does not, class-validator
 * runs as before and its answer (and messages) stand.
 */
export class DtoCheck<T extends object> {
  constructor(
    private readonly root: ClassPlan,
    private readonly check: ValidateFunction,
  ) {}

  /** The validated instance, or undefined when class-validator has to decide. */
  accept(plain: object, unknownFields: 'refuse' | 'drop'): T | undefined {
    const instance = build(this.root, plain, unknownFields === 'refuse');
    return instance !== undefined && this.check(instance) ? (instance as T) : undefined;
  }
}

/** Per DTO class: its compiled check, or the reason it has none. */
const checks = new WeakMap<DtoClass, DtoCheck<object> | string>();

function compile(dto: DtoClass): DtoCheck<object> | string {
  try {
    const plan = dtoCheckPlan(dto, calls);
    return new DtoCheck(plan.root, ajv.compile(plan.schema));
  } catch (error) {
    if (error instanceof NotCompilable) return error.message;
    return `${dto.name}: its check schema did not compile (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Compiles the check of `dto` now (once) and says why there is none: undefined when compiled, else the reason
 * class-validator alone validates it.
 */
export function prepareDtoCheck(dto: DtoClass): string | undefined {
  let check = checks.get(dto);
  if (check === undefined) {
    check = compile(dto);
    checks.set(dto, check);
  }
  return typeof check === 'string' ? check : undefined;
}

const pending = new Set<DtoClass>();
let draining = false;

/** Compiles one pending check per turn of the event loop, so that none blocks it for more than a few milliseconds. */
function drain(): void {
  const [next] = pending;
  if (next === undefined) {
    draining = false;
    return;
  }
  pending.delete(next);
  prepareDtoCheck(next);
  setImmediate(drain).unref();
}

/**
 * Queues the check of `dto` to be compiled in the background (about 5 ms each). Until it is, class-validator
 * validates alone, so no call waits and no request builds one.
 */
function scheduleDtoCheck(dto: DtoClass): void {
  if (checks.has(dto) || pending.has(dto)) return;
  pending.add(dto);
  if (!draining) {
    draining = true;
    setImmediate(drain).unref();
  }
}

/**
 * The compiled check of `dto`; undefined when it has none, or while it is not compiled yet: the first call of a
 * DTO queues it, so only the DTOs in use are compiled (all 42 shipped ones would take 0.2 s of boot and 2 MiB).
 */
export function dtoCheck<T extends object>(dto: DtoClass<T>): DtoCheck<T> | undefined {
  const check = checks.get(dto);
  if (check === undefined) scheduleDtoCheck(dto);
  return check === undefined || typeof check === 'string' ? undefined : (check as DtoCheck<T>);
}
