import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOpenApiDocument, OpenApiSpecLoadError } from './openapi-spec.loader';

describe('loadOpenApiDocument', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-loader-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('validates and dereferences the example spec', async () => {
    const document = await loadOpenApiDocument('examples/customers-api.openapi.yaml');
    const paths = document.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    expect(paths['/customers'].post.requestBody?.content['application/json'].schema).toMatchObject({ type: 'object', required: ['name', 'email'] });
  });

  it('reads JSON too', async () => {
    const file = write('ok.json', JSON.stringify({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {} }));
    await expect(loadOpenApiDocument(file)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('refuses Swagger 2.0', async () => {
    const file = write('swagger.json', JSON.stringify({ swagger: '2.0', info: { title: 't', version: '1' }, paths: {} }));
    await expect(loadOpenApiDocument(file)).rejects.toThrow(OpenApiSpecLoadError);
  });

  it('names the file and the parser’s reason', async () => {
    const file = write('bad.yaml', 'openapi: 3.0.3\ninfo: { title: t }\npaths: {}\n');
    await expect(loadOpenApiDocument(file)).rejects.toThrow(`OPENAPI_SPEC ${file} is not a valid OpenAPI 3.x document: `);
  });

  it('never follows a $ref to a URL', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"object"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const file = write(
        'remote.json',
        JSON.stringify({
          openapi: '3.0.3',
          info: { title: 't', version: '1' },
          paths: { '/a': { get: { responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `http://127.0.0.1:${port}/s.json` } } } } } } } },
        }),
      );
      await expect(loadOpenApiDocument(file)).rejects.toThrow(OpenApiSpecLoadError);
      expect(hits).toBe(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
