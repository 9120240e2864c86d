import { Environment, SENSITIVE_VARIABLES } from '../../src/config/environment';
import { fileVariable } from '../../src/config/secret-files';
import { VAULT_VARIABLES } from '../../src/config/vault-settings';

/** Every setting, plus the secret sources (`<NAME>_FILE`, Vault) that fill settings in. */
const CONFIG_VARIABLES = [...Object.keys(new Environment()), ...[...SENSITIVE_VARIABLES].map(fileVariable), ...VAULT_VARIABLES];

/**
 * Defaults of an app booted inside the jest process. Its heap check would measure jest's heap, which holds
 * every suite run so far (about 1 GB near the end of a coverage run), not the app's: the check stays, at a
 * ceiling only a leak would reach.
 */
export const IN_PROCESS_APP_ENV: Readonly<Record<string, string>> = { HEALTH_MEMORY_HEAP_LIMIT_MB: '8192' };

/** Sets exactly `env` for the duration of `build` (the developer's own variables never leak in). */
export async function withEnvironment<T>(env: Record<string, string>, build: () => Promise<T>): Promise<T> {
  const saved = new Map(CONFIG_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of CONFIG_VARIABLES) delete process.env[name];
  Object.assign(process.env, env);
  try {
    return await build();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
