import { HOST_VERDICTS_KEPT, HostAllowlist } from './host-allowlist';

describe('HostAllowlist', () => {
  it('answers only the loopback names (any port) by default on a loopback bind', () => {
    for (const bind of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      const hosts = new HostAllowlist([], bind);
      for (const host of ['localhost', 'localhost:8000', '127.0.0.1:1', '[::1]:8000', 'LocalHost']) expect(hosts.allows(host)).toBe(true);
      for (const host of [undefined, '', 'attacker.example', 'localhost.attacker.example', 'localhost@attacker.example', 'localhost/x', '[::2]']) {
        expect(hosts.allows(host)).toBe(false);
      }
    }
  });

  it('answers any host by default on any other bind (a pod, behind a proxy)', () => {
    for (const bind of ['0.0.0.0', '::', '10.0.0.5']) expect(new HostAllowlist([], bind).allows('10.1.2.3:8000')).toBe(true);
  });

  it('takes names (any port), name:port pairs and * from ALLOWED_HOSTS', () => {
    const hosts = new HostAllowlist(['mcp.example.com', 'internal:8443', '[fd00::1]'], '127.0.0.1');
    expect(hosts.allows('mcp.example.com')).toBe(true);
    expect(hosts.allows('MCP.example.com:443')).toBe(true);
    expect(hosts.allows('internal:8443')).toBe(true);
    expect(hosts.allows('internal:8444')).toBe(false);
    expect(hosts.allows('[fd00::1]:80')).toBe(true);
    expect(hosts.allows('localhost')).toBe(false);
    expect(new HostAllowlist(['*'], '127.0.0.1').allows(undefined)).toBe(true);
  });

  it('gives the same verdict from memory, and keeps a bounded memory under many distinct Host headers', () => {
    const hosts = new HostAllowlist([], '127.0.0.1');
    for (let i = 0; i < HOST_VERDICTS_KEPT * 3; i++) expect(hosts.allows(`attacker${i}.example`)).toBe(false);
    expect((hosts as unknown as { verdicts: Map<string, boolean> }).verdicts.size).toBeLessThanOrEqual(HOST_VERDICTS_KEPT);
    for (let round = 0; round < 2; round++) {
      expect(hosts.allows('localhost:8000')).toBe(true);
      expect(hosts.allows('localhost@attacker.example')).toBe(false);
    }
  });
});
