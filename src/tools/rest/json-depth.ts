const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, in one pass over its characters (strings
 * skipped), before anything is parsed: a 5 MB `[[[[…` costs V8 over a second of event loop to parse, and every
 * later recursive walk (serialising the result, validating it) would overflow the stack. Exact for valid JSON;
 * for invalid JSON the answer does not matter (parsing refuses it).
 *
 * @example
 * exceedsJsonDepth('{"a":[1,{"b":"[[["}]}', 3); // false: depth 3, brackets inside strings do not count
 * exceedsJsonDepth('[[[[1]]]]', 3);             // true
 */
export function exceedsJsonDepth(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_ARRAY || char === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (char === CLOSE_ARRAY || char === CLOSE_OBJECT) depth--;
  }
  return false;
}
