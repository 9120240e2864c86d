import { Transform } from 'class-transformer';

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/** Parses an environment flag; anything that is not a known word stays a string so validation names it. */
export function parseFlag(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

/** `@EnvFlag()` turns `true/false/1/0/yes/no/on/off` into a boolean. */
export const EnvFlag = (): PropertyDecorator => Transform(({ value }) => parseFlag(value));

/** `@EnvNumber()` turns a numeric string into a number; anything else stays a string so validation names it. */
export const EnvNumber = (): PropertyDecorator =>
  Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const parsed = Number(value.trim());
    return value.trim() !== '' && Number.isFinite(parsed) ? parsed : value;
  });

/** `@EnvList()` splits a comma-separated value into trimmed, non-empty items. */
export const EnvList = (): PropertyDecorator =>
  Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );
