import fc from 'fast-check';
import { dtoCheck, prepareDtoCheck } from '../../src/platform/mcp/dto-check';
import { dtoJsonSchema } from '../../src/platform/mcp/dto-json-schema';
import { classValidatorVerdict, reservedKeyPath } from '../../src/platform/mcp/dto-validator';
import { DtoClass } from '../../src/platform/mcp/mcp-tool-options.interface';
import { applyMutations, mutation } from '../hostile/support/argument-mutations';
import { fuzzSettings } from '../hostile/support/fuzz-settings';
import { arbitraryFor, JsonSchema } from '../hostile/support/json-schema-arbitrary';
import { toJsonText } from '../hostile/support/raw-json';
import { shippedDtos } from './shipped-dtos';

/**
 * The compiled checks against class-validator on every DTO the server ships: whatever a check accepts,
 * class-validator accepts too, as the same instance. Values are valid ones from the DTO's JSON Schema, then
 * mutated (hostile values, values at and past the bounds, keys deleted and added), as JSON (what arguments are)
 * and as the JavaScript values a tool may return (NaN, undefined, a Date, a Set, a function). Seeded like the fuzz
 * suite: a failure replays with FUZZ_SEED=<seed>, and another seed draws other values.
 */
const DTOS = [...shippedDtos()];
const RUNS = 150;
const { seed: SEED } = fuzzSettings();

const jsOnly = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, undefined, new Date(0), new Set(['a']), new Map([['a', 1]]), () => 1, -0, 2 ** 53 + 2);

/** `value` with one place replaced by a value JSON cannot carry. */
function withJsValue(value: unknown, slot: number, replacement: unknown): unknown {
  if (value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = keys[slot % keys.length];
  const inner = (value as Record<string, unknown>)[key];
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  copy[key] = inner !== null && typeof inner === 'object' && slot % 2 === 0 ? withJsValue(inner, Math.floor(slot / 2), replacement) : replacement;
  return copy;
}

/** DTO names whose generated valid values class-validator never accepted. */
const neverValid: string[] = [];

const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));
const hasPrototypeKey = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && Object.entries(value).some(([key, item]) => PROTOTYPE_NAMES.has(key) || hasPrototypeKey(item));

const isObject = (value: unknown): value is object => value !== null && typeof value === 'object' && !Array.isArray(value);

async function agrees(dto: DtoClass, value: unknown, mode: 'refuse' | 'drop'): Promise<boolean> {
  // validateDto refuses these before either validator sees them.
  if (!isObject(value) || reservedKeyPath(value) !== undefined) return false;
  prepareDtoCheck(dto);
  const vouched = dtoCheck(dto)?.accept(value, mode);
  if (vouched === undefined) return false;
  const verdict = await classValidatorVerdict(dto, value, mode);
  expect(verdict).toEqual({ ok: true, value: expect.anything() });
  if (!verdict.ok) return true;
  // Arguments (JSON) give the tool the same instance. A result's values that are no DTO are shared, not copied
  // as class-transformer copies them (a Map loses its values there): the answer's JSON is the same.
  if (mode === 'refuse') expect(vouched).toStrictEqual(verdict.value);
  else expect([vouched.constructor, JSON.stringify(vouched)]).toEqual([verdict.value.constructor, JSON.stringify(verdict.value)]);
  return true;
}

describe('compiled DTO checks on every shipped DTO', () => {
  it('compile for every shipped DTO (none is left to class-validator alone)', () => {
    const reasons = DTOS.map(([name, dto]) => [name, prepareDtoCheck(dto)]).filter(([, reason]) => reason !== undefined);
    expect(reasons).toEqual([]);
    expect(DTOS.length).toBeGreaterThan(30);
  });

  describe.each(DTOS)('%s', (_name, dto) => {
    const schema = dtoJsonSchema(dto) as JsonSchema;
    const valid = arbitraryFor(schema);

    it('vouches for a value only when class-validator accepts it, as the same instance (JSON arguments)', async () => {
      await fc.assert(
        fc.asyncProperty(valid, fc.array(mutation, { maxLength: 3 }), fc.constantFrom<'refuse' | 'drop'>('refuse', 'drop'), async (value, mutations, mode) => {
          await agrees(dto, JSON.parse(toJsonText(applyMutations(value, mutations, schema))) as unknown, mode);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it('vouches only for what class-validator accepts among JavaScript values (tool results)', async () => {
      await fc.assert(
        fc.asyncProperty(valid, fc.nat(), jsOnly, async (value, slot, replacement) => {
          await agrees(dto, withJsValue(value, slot, replacement), 'drop');
        }),
        { numRuns: RUNS, seed: SEED },
      );
    });

    it('vouches for the valid values class-validator accepts (the fast path is taken)', async () => {
      let accepted = 0;
      let vouched = 0;
      await fc.assert(
        fc.asyncProperty(valid, async (value) => {
          const json = JSON.parse(toJsonText(value)) as object;
          // Keys class-transformer drops from free-form objects (`valueOf`) are left to it: not vouched for.
          if (hasPrototypeKey(json) || !(await classValidatorVerdict(dto, json, 'refuse')).ok) return;
          accepted += 1;
          if (await agrees(dto, json, 'refuse')) vouched += 1;
        }),
        // 200 runs: class-validator accepts as few as 3 % of some DTOs' generated values (their schema is looser).
        { numRuns: 200, seed: SEED },
      );
      if (accepted === 0) neverValid.push(_name);
      expect(vouched).toBe(accepted);
    });
  });

  it('had valid values to vouch for on every DTO but those whose schema the generator cannot meet', () => {
    // Their ISO 8601 fields are published as an unanchored pattern, which the generator meets with other text around it.
    expect(neverValid).toEqual(['RagDocumentSummary']);
  });
});
