import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bearer, createTestApp, TestApp } from '../support/test-app';

/** The RAG tools through the REST facade, on the embedded database (the default with no DB_URL). */
describe('RAG tools via POST /v1/tools/:name', () => {
  const root = mkdtempSync(join(tmpdir(), 'rag-rest-e2e-'));
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ DB_URL: '', DB_DATA_DIR: join(root, 'pglite') });
  }, 120_000);
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ingests, finds, lists and deletes a document', async () => {
    const key = bearer(t.primaryKey);
    const text = '# Lighthouses\n\nThe keeper trims the lamp wick every evening before the fog rolls in from the harbour.';
    const ingested = await t.http.post('/v1/tools/rag_ingest').set(key).send({ documents: [{ text, title: 'Lighthouses', source: 'rest/lighthouse.md' }] });
    expect(ingested.status).toBe(200);
    const id = (ingested.body as { documents: { id: string; status: string }[] }).documents[0].id;
    expect(ingested.body.documents[0].status).toBe('created');

    const found = await t.http.post('/v1/tools/rag_search').set(key).send({ query: 'lamp wick keeper', k: 3 });
    expect(found.status).toBe(200);
    expect(found.body.results[0]).toMatchObject({ document_id: id, title: 'Lighthouses', uri: `rag://documents/${id}` });

    const listed = await t.http.post('/v1/tools/rag_list_documents').set(key).send({ source: 'rest/lighthouse.md' });
    expect(JSON.stringify(listed.body)).toContain(id);

    await t.http.post('/v1/tools/rag_delete_document').set(key).send({ id }).expect(200);
    const again = await t.http.post('/v1/tools/rag_delete_document').set(key).send({ id });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ status: 'not_found', request_id: expect.any(String) });
  });

  it('answers out-of-bounds arguments with 400 naming the field', async () => {
    const res = await t.http.post('/v1/tools/rag_search').set(bearer(t.primaryKey)).send({ query: 'fog', k: 51 });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'k' })]));
  });
});
