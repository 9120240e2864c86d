import { bootBanner } from './boot-banner';

describe('bootBanner', () => {
  it('shows the URL, the generated key once, a curl that lists the tools with it, and where the client configs are', () => {
    const key = 'generated-key-0123456789abcdef';
    const banner = bootBanner({ url: 'http://127.0.0.1:8000', generatedKey: key });
    expect(banner).toContain('mcp-tool-server is ready on http://127.0.0.1:8000\n');
    expect(banner).toContain(`Development API key (generated for this run; set API_KEY_PRIMARY to keep one):\n  ${key}\n`);
    expect(banner).toContain(`  curl -H "Authorization: Bearer ${key}" http://127.0.0.1:8000/v1/tools\n`);
    expect(banner).toContain('http://127.0.0.1:8000/mcp');
    expect(banner).toContain('docs/clients.md');
    expect(banner.split(key).length - 1).toBe(2);
  });

  it('names the configured key instead of printing one when none was generated', () => {
    const banner = bootBanner({ url: 'http://127.0.0.1:9000' });
    expect(banner).not.toContain('Development API key');
    expect(banner).toContain('curl -H "Authorization: Bearer $API_KEY_PRIMARY" http://127.0.0.1:9000/v1/tools');
  });

  it('points requests at loopback when the server listens on every interface', () => {
    expect(bootBanner({ url: 'http://0.0.0.0:8000' })).toContain('http://127.0.0.1:8000/v1/tools');
    expect(bootBanner({ url: 'http://[::]:8000' })).toContain('http://[::1]:8000/v1/tools');
  });
});
