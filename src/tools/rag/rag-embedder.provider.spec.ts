import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRagEmbedder } from './rag-embedder.provider';

const settings = { embeddingsUrl: 'http://127.0.0.1:9', embeddingsApiKey: undefined };

describe('createRagEmbedder', () => {
  it('chooses the embedder from RAG_EMBEDDING_MODEL', () => {
    expect(createRagEmbedder({ ...settings, embeddingModel: 'hashing' }).name).toBe('hashing');
    expect(createRagEmbedder({ ...settings, embeddingModel: 'openai:text-embedding-3-small' })).toMatchObject({
      name: 'openai:text-embedding-3-small',
      dimension: 256,
    });
    expect(() => createRagEmbedder({ ...settings, embeddingModel: 'bert' })).toThrow('is not one of hashing, openai:<model>, local:<dir>');
  });

  describe('local:<dir>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rag-local-model-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('fails fast naming the missing model files', async () => {
      const embedder = createRagEmbedder({ ...settings, embeddingModel: `local:${dir}` });
      await expect(embedder.ready()).rejects.toThrow('lacks config.json, tokenizer.json, onnx/model.onnx');
    });

    it('with the files present, says the ONNX runtime is not installed', async () => {
      mkdirSync(join(dir, 'onnx'));
      for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) writeFileSync(join(dir, file), '{}');
      const embedder = createRagEmbedder({ ...settings, embeddingModel: `local:${dir}` });
      await expect(embedder.ready()).rejects.toThrow('@huggingface/transformers');
      await expect(embedder.embed(['x'])).rejects.toThrow('not installed');
    });
  });
});
