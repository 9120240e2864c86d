/** The names a loopback-bound server answers to when ALLOWED_HOSTS is empty (as the MCP SDK's own helper). */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_BINDS = new Set(['localhost', '::1', '[::1]']);
const ANY_HOST = '*';
/** Host headers whose verdict is remembered; past this many distinct values the memory starts over. */
export const HOST_VERDICTS_KEPT = 64;

const isLoopbackBind = (bindHost: string): boolean => LOOPBACK_BINDS.has(bindHost.toLowerCase()) || bindHost.startsWith('127.');

interface ParsedHost {
  /** Lower-case name, IPv6 in brackets: `localhost`, `[::1]`. */
  readonly hostname: string;
  /** The name and, unless it is the default 80, the port: `localhost:8000`. */
  readonly host: string;
}

/** A Host header (or an ALLOWED_HOSTS entry) read as a URL authority would be; undefined when it is anything more. */
function parseHost(value: string): ParsedHost | undefined {
  let url: URL;
  try {
    url = new URL(`http://${value}`);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return undefined;
  return { hostname: url.hostname, host: url.host };
}

/**
 * DNS-rebinding protection: which `Host` headers the server answers. A rebound name (`attacker.example`
 * resolving to 127.0.0.1) arrives with its own Host, so a loopback-bound server answers only its loopback
 * names. Entries are names (any port) or `name:port`; `*` allows any host, as does an empty list on a server
 * bound to a non-loopback address (behind a proxy or in a pod, where probes use the pod IP).
 */
export class HostAllowlist {
  private readonly names = new Set<string>();
  private readonly hosts = new Set<string>();
  private readonly anyHost: boolean;
  /** A client sends the same Host on every request: its verdict is computed (a URL parse) once, not per request. */
  private readonly verdicts = new Map<string, boolean>();

  constructor(allowedHosts: readonly string[], bindHost: string) {
    const entries = allowedHosts.length > 0 ? allowedHosts : isLoopbackBind(bindHost) ? LOOPBACK_NAMES : [ANY_HOST];
    this.anyHost = entries.includes(ANY_HOST);
    for (const entry of entries) {
      const parsed = entry === ANY_HOST ? undefined : parseHost(entry);
      if (!parsed) continue;
      if (parsed.host === parsed.hostname && !entry.endsWith(':80')) this.names.add(parsed.hostname);
      else this.hosts.add(parsed.host);
    }
  }

  /** Whether a request with this Host header (undefined when absent) is answered. */
  allows(hostHeader: string | undefined): boolean {
    if (this.anyHost) return true;
    if (hostHeader === undefined) return false;
    let verdict = this.verdicts.get(hostHeader);
    if (verdict === undefined) {
      const parsed = parseHost(hostHeader);
      verdict = parsed !== undefined && (this.names.has(parsed.hostname) || this.hosts.has(parsed.host));
      if (this.verdicts.size >= HOST_VERDICTS_KEPT) this.verdicts.clear();
      this.verdicts.set(hostHeader, verdict);
    }
    return verdict;
  }
}
