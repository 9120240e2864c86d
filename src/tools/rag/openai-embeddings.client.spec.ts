import { FakeUpstream } from '../../../test/support/fake-upstream';
import { OpenAiEmbeddingsClient } from './openai-embeddings.client';
import { RagEmbedderError, RagEmbedderUnavailableError } from './rag-embedder.interface';

const PATH = '/v1/embeddings';
const vector = (dimension: number): number[] => Array.from({ length: dimension }, (_, i) => (i === 0 ? 1 : 0));

/** The client against a real HTTP server on loopback that redirects, floods or hangs. */
describe('OpenAiEmbeddingsClient against a hostile endpoint', () => {
  let fake: FakeUpstream;
  const client = (options: { timeoutMs?: number } = {}): OpenAiEmbeddingsClient =>
    new OpenAiEmbeddingsClient({ baseUrl: fake.url, model: 'm', dimension: 4, timeoutMs: options.timeoutMs ?? 5_000 });

  beforeEach(async () => {
    fake = await FakeUpstream.start();
  });
  afterEach(() => fake.close());

  it('embeds through a well-behaved endpoint', async () => {
    fake.always(PATH, { kind: 'json', body: { data: [{ index: 0, embedding: vector(4) }] } });
    await expect(client().embed(['hello'])).resolves.toEqual([vector(4)]);
  });

  it('follows no redirect: a 3xx is an error, and the target is never asked', async () => {
    fake.always(PATH, { kind: 'redirect', status: 307, location: `${fake.url}/elsewhere` });
    fake.always('/elsewhere', { kind: 'json', body: { data: [{ index: 0, embedding: vector(4) }] } });
    const answer = client().embed(['hello']);
    await expect(answer).rejects.toThrow(RagEmbedderError);
    await expect(answer).rejects.toThrow('HTTP 307, a redirect, which is not followed');
    expect(fake.requestsTo('/elsewhere')).toHaveLength(0);
    expect(fake.requestsTo(PATH)).toHaveLength(1);
  });

  it('stops reading a 100 MB answer at its byte cap', async () => {
    fake.always(PATH, { kind: 'huge', bytes: 100 * 1024 * 1024 });
    const answer = client().embed(['hello']);
    await expect(answer).rejects.toThrow(RagEmbedderError);
    await expect(answer).rejects.toThrow(/answered more than \d+ bytes/);
    await fake.until(() => fake.requests.every((request) => request.aborted));
    expect(Math.max(...fake.requests.map((request) => request.bytesWritten))).toBeLessThan(10 * 1024 * 1024);
  }, 15_000);

  it('bounds the whole call, every attempt included, by its timeout when the endpoint hangs', async () => {
    fake.always(PATH, { kind: 'hang' });
    const answer = client({ timeoutMs: 1_000 }).embed(['hello']);
    await expect(answer).rejects.toThrow(RagEmbedderUnavailableError);
    await expect(answer).rejects.toThrow('did not answer within 1 s');
  }, 10_000);

  it('bounds every batch and retry together: 503s then a hang still end at the timeout', async () => {
    fake.script(PATH, { kind: 'status', status: 503 }, { kind: 'status', status: 503 });
    fake.always(PATH, { kind: 'hang' });
    await expect(client({ timeoutMs: 1_000 }).embed(['a'])).rejects.toThrow('did not answer within 1 s');
  }, 10_000);

  it("stops when the caller's signal aborts, with the caller's reason", async () => {
    fake.always(PATH, { kind: 'hang' });
    const controller = new AbortController();
    const answer = client({ timeoutMs: 60_000 }).embed(['hello'], controller.signal);
    await fake.until(() => fake.requestsTo(PATH).length === 1);
    controller.abort(new Error('tool deadline'));
    await expect(answer).rejects.toThrow('tool deadline');
  }, 10_000);
});
