const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether a JSON text nests arrays and objects deeper than `maxDepth`, in one pass over its characters
 * (strings skipped), before anything is parsed: `JSON.parse` of 1 MB of `[[[[…` costs half a second of event
 * loop, and every later recursive walk (class-transformer, `JSON.stringify`) overflows the stack. Takes the
 * text as a string or as UTF-8 bytes (multi-byte UTF-8 never holds an ASCII byte, so the scan is the same).
 * Exact for valid JSON; for invalid JSON the answer does not matter (parsing refuses it).
 *
 * @example
 * exceedsJsonDepth('{"a":[1,{"b":"[[["}]}', 3); // false: depth 3, brackets inside strings do not count
 * exceedsJsonDepth(Buffer.from('[[[[1]]]]'), 3); // true
 */
export function exceedsJsonDepth(json: string | Uint8Array, maxDepth: number): boolean {
  const codeAt = typeof json === 'string' ? (i: number): number => json.charCodeAt(i) : (i: number): number => json[i];
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const code = codeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) inString = true;
    else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth--;
  }
  return false;
}
