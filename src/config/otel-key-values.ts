/** Longest OTEL_EXPORTER_OTLP_HEADERS / OTEL_RESOURCE_ATTRIBUTES value read, in characters. */
export const OTEL_KEY_VALUES_MAX_LENGTH = 8192;
/** Most pairs in one such list. */
export const OTEL_KEY_VALUES_MAX_PAIRS = 64;

/** An HTTP token character (RFC 9110), which a header name and an attribute key are made of. */
function isTokenChar(code: number): boolean {
  if (code >= 0x30 && code <= 0x39) return true;
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) return true;
  return "!#$%&'*+-.^_`|~".includes(String.fromCharCode(code));
}

function isToken(text: string): boolean {
  if (text.length === 0 || text.length > 255) return false;
  for (let i = 0; i < text.length; i++) if (!isTokenChar(text.charCodeAt(i))) return false;
  return true;
}

/**
 * Parses the OpenTelemetry `key=value,key2=value2` list (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES):
 * keys are tokens, values are percent-decoded and may not hold control characters. Undefined when the text is
 * malformed or over the bounds: the caller names the variable, never its value (a header may be a credential).
 */
export function parseOtelKeyValues(text: string): Record<string, string> | undefined {
  if (text.length > OTEL_KEY_VALUES_MAX_LENGTH) return undefined;
  const pairs = text.split(',');
  if (pairs.length > OTEL_KEY_VALUES_MAX_PAIRS) return undefined;
  const result: Record<string, string> = {};
  for (const pair of pairs) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals < 0) return undefined;
    const key = pair.slice(0, equals).trim();
    let value: string;
    try {
      value = decodeURIComponent(pair.slice(equals + 1).trim());
    } catch {
      return undefined;
    }
    if (!isToken(key) || hasControlCharacter(value)) return undefined;
    result[key] = value;
  }
  return result;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
