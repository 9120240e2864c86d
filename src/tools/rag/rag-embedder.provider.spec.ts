import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestModel } from '../../../test/support/onnx-test-model';
import { createRagEmbedder } from './rag-embedder.provider';

const settings = { embeddingsUrl: 'http://127.0.0.1:9', embeddingsApiKey: undefined };

describe('createRagEmbedder', () => {
  it('chooses the embedder from RAG_EMBEDDING_MODEL', () => {
    expect(createRagEmbedder({ ...settings, embeddingModel: 'hashing' }).name).toBe('hashing');
    expect(createRagEmbedder({ ...settings, embeddingModel: 'openai:text-embedding-3-small' })).toMatchObject({
      name: 'openai:text-embedding-3-small',
      dimension: 256,
    });
    expect(createRagEmbedder({ ...settings, embeddingModel: 'openai:text-embedding-3-large', embeddingDimensions: 1024 }).dimension).toBe(1024);
    expect(() => createRagEmbedder({ ...settings, embeddingModel: 'local: ' })).toThrow('needs the model directory after local:');
    expect(() => createRagEmbedder({ ...settings, embeddingModel: 'bert' })).toThrow('is not one of hashing, openai:<model>, local:<dir>');
  });

  describe('local:<dir>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rag-local-model-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails fast naming the missing model files', async () => {
      const embedder = createRagEmbedder({ ...settings, embeddingModel: `local:${dir}` });
      await expect(embedder.ready()).rejects.toThrow('lacks config.json, tokenizer.json, onnx/model.onnx');
    });

    it('runs the model of a complete directory', async () => {
      const modelDir = writeTestModel(join(dir, 'model'));
      const embedder = createRagEmbedder({ ...settings, embeddingModel: `local:${modelDir}` });
      expect(embedder.name).toBe(`local:${modelDir}`);
      await embedder.ready();
      expect(embedder.dimension).toBe(32);
      const [vector] = await embedder.embed(['Where are the keys?']);
      expect(vector).toHaveLength(32);
      expect(Math.abs(Math.hypot(...vector) - 1)).toBeLessThan(1e-5);
    });
  });
});
