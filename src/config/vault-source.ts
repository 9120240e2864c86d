import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { readSecretFile } from './secret-files';
import { VaultClient, VaultError } from './vault.client';
import { redactUrl } from './redact-url';
import { VaultSettings } from './vault-settings';

/** The Vault settings checked, or every problem with them (a token's value is never shown). */
/** A setting's value as a boot error may show it: never the token, a URL without its password. */
function shown(property: string, value: unknown): string {
  if (property === 'VAULT_TOKEN') return '<redacted>';
  return property === 'VAULT_ADDR' && typeof value === 'string' ? JSON.stringify(redactUrl(value)) : JSON.stringify(value);
}

/** Loopback hosts, where plain http never leaves the machine (a Vault Agent sidecar listens so). */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The token and every secret travel to VAULT_ADDR: https outside development unless it is a loopback address,
 * and no credentials in the address.
 */
function addressProblems(address: string, environment: string): string[] {
  const url = new URL(address);
  const problems: string[] = [];
  if (url.username || url.password) problems.push('VAULT_ADDR: must not hold a user name or password (log in with VAULT_TOKEN or VAULT_K8S_ROLE)');
  if (url.protocol === 'http:' && environment !== 'development' && !LOOPBACK_HOSTS.has(url.hostname)) {
    problems.push(`VAULT_ADDR: must be https when ENVIRONMENT=${environment} (plain http only to a loopback address)`);
  }
  return problems;
}

export function checkVaultSettings(raw: Readonly<Record<string, unknown>>): { settings: VaultSettings; problems: string[] } {
  const known: Record<string, unknown> = {};
  for (const name of Object.keys(new VaultSettings())) {
    if (raw[name] !== undefined && raw[name] !== '') known[name] = raw[name];
  }
  const settings = plainToInstance(VaultSettings, known, { exposeDefaultValues: true });
  const problems = validateSync(settings).map(
    (error) =>
      `${error.property}=${shown(error.property, error.value)}: ${Object.values(error.constraints ?? {}).join('; ')}`,
  );
  if (problems.length > 0 || !settings.VAULT_SECRET_PATH) return { settings, problems };
  if (!settings.VAULT_ADDR) problems.push('VAULT_SECRET_PATH: set VAULT_ADDR too (the Vault to read it from)');
  else problems.push(...addressProblems(settings.VAULT_ADDR, String(raw.ENVIRONMENT ?? 'development')));
  if (settings.VAULT_TOKEN && settings.VAULT_K8S_ROLE) {
    problems.push('VAULT_TOKEN and VAULT_K8S_ROLE: both are set; set only one way to log in to Vault');
  } else if (!settings.VAULT_TOKEN && !settings.VAULT_K8S_ROLE) {
    problems.push('VAULT_SECRET_PATH: set VAULT_TOKEN (or VAULT_TOKEN_FILE) or VAULT_K8S_ROLE to log in to Vault');
  }
  return { settings, problems };
}

/**
 * Reads the secret at VAULT_SECRET_PATH (the source is on only when it is set) within VAULT_TIMEOUT_SECONDS,
 * and returns the values of the settings named in `names` that it holds. Other keys are ignored.
 * Throws a one-line VaultError when Vault cannot be reached, refuses, or answers something unusable.
 */
export async function readVaultSecrets(settings: VaultSettings, names: ReadonlySet<string>): Promise<Record<string, string>> {
  const path = settings.VAULT_SECRET_PATH;
  if (!path || !settings.VAULT_ADDR) return {};
  const signal = AbortSignal.timeout(settings.VAULT_TIMEOUT_SECONDS * 1000);
  const client = new VaultClient(settings.VAULT_ADDR, settings.VAULT_NAMESPACE, signal, settings.VAULT_TIMEOUT_SECONDS);
  const token = settings.VAULT_K8S_ROLE
    ? await client.loginKubernetes(
        settings.VAULT_K8S_MOUNT,
        settings.VAULT_K8S_ROLE,
        await readSecretFile('VAULT_K8S_TOKEN_FILE', settings.VAULT_K8S_TOKEN_FILE).catch((error: Error) => {
          throw new VaultError(`${error.message}: the service account token for the Kubernetes login`);
        }),
      )
    : (settings.VAULT_TOKEN as string);
  const data = await client.readKv2(path, token);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (!names.has(key)) continue;
    if (typeof value !== 'string') throw new VaultError(`key ${key} of ${path} is not a string`);
    if (value !== '') values[key] = value;
  }
  return values;
}
