import { IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength } from 'class-validator';
import { EnvNumber } from './env-transforms';

/** Where a pod's service account token is mounted by Kubernetes. */
export const KUBERNETES_SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The optional HashiCorp Vault source of secret settings, read before the rest of the configuration
 * (its values feed it). Off unless VAULT_ADDR is set. `.env.example` documents each one.
 */
export class VaultSettings {
  /** Vault's address, e.g. `https://vault.example.com:8200`; the source is off without it. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  VAULT_ADDR?: string;

  /** A Vault token (or VAULT_TOKEN_FILE); exclusive with VAULT_K8S_ROLE. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  VAULT_TOKEN?: string;

  /** Vault Enterprise / HCP namespace, sent as X-Vault-Namespace. */
  @IsOptional()
  @Matches(/^[\w-]+(?:\/[\w-]+)*$/, { message: '$property must be a namespace path like team-a or team-a/prod' })
  VAULT_NAMESPACE?: string;

  /** Kubernetes auth: the Vault role to log in as with the pod's service account token. */
  @IsOptional()
  @IsString()
  @Matches(/^[\w.-]{1,128}$/, { message: '$property must match [A-Za-z0-9_.-]{1,128}' })
  VAULT_K8S_ROLE?: string;

  /** Kubernetes auth: the file holding the service account JWT. */
  @IsString()
  @MinLength(1)
  VAULT_K8S_TOKEN_FILE = KUBERNETES_SERVICE_ACCOUNT_TOKEN;

  /** Kubernetes auth: the path the auth method is enabled at (`auth/<mount>/login`). */
  @Matches(/^[\w-]+(?:\/[\w-]+)*$/, { message: '$property must be a mount path like kubernetes or k8s/prod' })
  VAULT_K8S_MOUNT = 'kubernetes';

  /** KV v2 API path of the secret, `<mount>/data/<name>`; its keys are named like the settings. */
  @IsOptional()
  @Matches(/^[\w-]+(?:\/[\w-]+)*\/data\/[\w-]+(?:\/[\w-]+)*$/, {
    message: '$property must be a KV v2 API path <mount>/data/<name>, e.g. secret/data/mcp-tool-server',
  })
  VAULT_SECRET_PATH?: string;

  /** Seconds the whole Vault exchange (login and read) may take at boot; past it the boot stops. */
  @EnvNumber()
  @IsInt()
  @Min(1)
  @Max(120)
  VAULT_TIMEOUT_SECONDS = 10;
}

/** Every variable of the Vault source (for tests that must start from a clean environment). */
export const VAULT_VARIABLES: readonly string[] = [...Object.keys(new VaultSettings()), 'VAULT_TOKEN_FILE'];
