// A real OAuth 2.1 authorization server for the tests (oidc-provider is ESM-only: it runs in this child
// process, never inside jest). Issues JWT access tokens by the client credentials grant with a resource
// indicator (RFC 8707). Configured by one JSON argument:
//   { port, keys: [private JWK…] (the first signs), clients: [{ client_id, client_secret }],
//     resources: { "<resource indicator>": "<space-separated scopes>" }, ttlSeconds }
// Prints `ready <issuer>` on stdout once it listens.
import Provider, { errors } from 'oidc-provider';

const options = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${options.port}`;

const provider = new Provider(issuer, {
  clients: options.clients.map((client) => ({
    ...client,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
  })),
  jwks: { keys: options.keys },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        const scope = options.resources[resourceIndicator];
        if (scope === undefined) throw new errors.InvalidTarget();
        return {
          scope,
          audience: resourceIndicator,
          accessTokenTTL: options.ttlSeconds ?? 300,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: options.keys[0].alg ?? 'RS256' } },
        };
      },
    },
  },
});

const server = provider.listen(options.port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
