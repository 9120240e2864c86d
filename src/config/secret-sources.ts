import { SENSITIVE_VARIABLES } from './environment';
import { resolveSecretFiles } from './secret-files';
import { ConfigValidationError } from './validate-environment';
import { checkVaultSettings, readVaultSecrets } from './vault-source';

/**
 * Fills in the secret settings (every SENSITIVE_VARIABLES entry) of a raw environment before validation.
 * Precedence: the variable itself or its `<NAME>_FILE` (setting both is an error), then the Vault secret
 * at VAULT_SECRET_PATH. VAULT_TOKEN also accepts VAULT_TOKEN_FILE (it cannot come from Vault).
 * Throws a ConfigValidationError listing every file and Vault setting problem before Vault is asked,
 * and a one-line VaultError when Vault fails.
 */
export async function resolveSecrets(raw: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
  const local = await resolveSecretFiles(raw, [...SENSITIVE_VARIABLES, 'VAULT_TOKEN']);
  const vault = checkVaultSettings({ ...raw, ...local.values });
  const problems = [...local.problems, ...vault.problems];
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const fromVault = await readVaultSecrets(vault.settings, SENSITIVE_VARIABLES);
  return { ...raw, ...fromVault, ...local.values };
}
