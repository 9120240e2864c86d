import { open } from 'node:fs/promises';

/** The largest secret file read (a key, a URL, a token): a larger one stops the boot. */
export const SECRET_FILE_MAX_BYTES = 64 * 1024;

/** `<NAME>_FILE`: the variable naming the file a secret setting is read from (Docker and Kubernetes secrets). */
export function fileVariable(name: string): string {
  return `${name}_FILE`;
}

/** Why a secret file could not be used; names the variable and the path, never the content. */
export class SecretFileError extends Error {
  constructor(variable: string, path: string, reason: string) {
    super(`${variable}: cannot use ${path} (${reason})`);
    this.name = 'SecretFileError';
  }
}

function withoutTrailingLineBreaks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end -= 1;
  return text.slice(0, end);
}

/**
 * Reads one secret file: at most SECRET_FILE_MAX_BYTES, trailing line breaks trimmed (editors and
 * `echo` add one), an empty result refused (an empty secret is a mistake, not an unset one).
 */
export async function readSecretFile(variable: string, path: string, maxBytes = SECRET_FILE_MAX_BYTES): Promise<string> {
  const buffer = Buffer.alloc(maxBytes + 1);
  let length = 0;
  try {
    const handle = await open(path, 'r');
    try {
      for (;;) {
        const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
        length += bytesRead;
        if (bytesRead === 0 || length === buffer.length) break;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new SecretFileError(variable, path, (error as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  if (length > maxBytes) throw new SecretFileError(variable, path, `larger than ${maxBytes} bytes`);
  const value = withoutTrailingLineBreaks(buffer.toString('utf8', 0, length));
  if (value === '') throw new SecretFileError(variable, path, 'empty');
  return value;
}

/**
 * Settles each secret setting from the environment or its `<NAME>_FILE`: both set is a problem naming both
 * (which one was meant is unknowable), an unusable file a problem naming the variable and path. Returns the
 * values found and every problem; settings set in neither place are absent from the values.
 */
export async function resolveSecretFiles(
  raw: Readonly<Record<string, unknown>>,
  names: Iterable<string>,
): Promise<{ values: Record<string, string>; problems: string[] }> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of names) {
    const variable = fileVariable(name);
    const direct = raw[name];
    const path = raw[variable];
    const hasDirect = typeof direct === 'string' && direct !== '';
    const hasPath = typeof path === 'string' && path !== '';
    if (hasDirect && hasPath) {
      problems.push(`${name} and ${variable}: both are set; set only one`);
    } else if (hasDirect) {
      values[name] = direct;
    } else if (hasPath) {
      try {
        values[name] = await readSecretFile(variable, path);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  return { values, problems };
}
