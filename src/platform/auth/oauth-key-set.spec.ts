import { once } from 'node:events';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { OAuthKeySet, OAuthServerUnavailable } from './oauth-key-set';
import { OAuthConfig } from './oauth.config';

/** A loopback issuer whose discovery document is chosen per test (its path names the case). */
describe('OAuthKeySet discovery', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const [, , , kind] = (request.url ?? '').split('/');
      if (kind === 'endless') {
        const write = (): void => {
          while (!response.destroyed && response.write('{"padding":"' + 'x'.repeat(16_384)));
          if (!response.destroyed) response.once('drain', write);
        };
        write();
        return;
      }
      const issuer = `${origin}/${kind}`;
      const document = kind === 'other' ? { issuer: `${origin}/else`, jwks_uri: `${origin}/jwks` } : { issuer, jwks_uri: `${origin}/jwks` };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  const keySetFor = (kind: string): OAuthKeySet =>
    new OAuthKeySet({ issuer: `${origin}/${kind}`, audience: 'a', scopesClaim: 'scope', algorithms: ['RS256'], clockToleranceSeconds: 0, jwksCooldownMs: 60_000 } as OAuthConfig);

  it('uses the jwks_uri of a document naming its issuer', async () => {
    await expect(keySetFor('good').resolver()).resolves.toEqual(expect.any(Function));
  });

  it('refuses a document naming another issuer', async () => {
    await expect(keySetFor('other').resolver()).rejects.toThrow(new OAuthServerUnavailable(`discovery document at ${origin}/.well-known/oauth-authorization-server/other names another issuer`));
  });

  it('stops reading an endless discovery document at 256 KiB', async () => {
    const failure = keySetFor('endless').resolver();
    await expect(failure).rejects.toThrow(OAuthServerUnavailable);
    await expect(failure).rejects.toThrow('is larger than 262144 bytes');
    // The issuer still serves other readers: nothing was left hanging.
    await expect(keySetFor('good').resolver()).resolves.toEqual(expect.any(Function));
  });
});
