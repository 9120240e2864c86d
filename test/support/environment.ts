import { Environment } from '../../src/config/environment';

const CONFIG_VARIABLES = Object.keys(new Environment());

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
