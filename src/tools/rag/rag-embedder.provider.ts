import { Provider } from '@nestjs/common';
import { HashingEmbedder } from './hashing.embedder';
import { LocalOnnxEmbedder } from './local-onnx.embedder';
import { OpenAiEmbeddingsClient } from './openai-embeddings.client';
import { RagConfig, RagSettings } from './rag.config';
import { RAG_EMBEDDER, RagEmbedder, RagEmbedderError } from './rag-embedder.interface';

/** The embedder RAG_EMBEDDING_MODEL names: `hashing`, `openai:<model>` or `local:<dir>`. */
export function createRagEmbedder(
  settings: Pick<RagSettings, 'embeddingModel' | 'embeddingsUrl' | 'embeddingsApiKey'> & Partial<Pick<RagSettings, 'embeddingDimensions' | 'embeddingsTimeoutMs'>>,
): RagEmbedder {
  const spec = settings.embeddingModel.trim();
  if (spec === 'hashing') return new HashingEmbedder();
  if (spec.startsWith('openai:')) {
    return new OpenAiEmbeddingsClient({
      baseUrl: settings.embeddingsUrl,
      model: spec.slice('openai:'.length),
      apiKey: settings.embeddingsApiKey,
      dimension: settings.embeddingDimensions,
      timeoutMs: settings.embeddingsTimeoutMs,
    });
  }
  if (spec.startsWith('local:')) {
    const directory = spec.slice('local:'.length).trim();
    if (directory === '') throw new RagEmbedderError('RAG_EMBEDDING_MODEL=local:<dir> needs the model directory after local:');
    return new LocalOnnxEmbedder(directory);
  }
  throw new RagEmbedderError(`RAG_EMBEDDING_MODEL=${spec} is not one of hashing, openai:<model>, local:<dir>`);
}

export const ragEmbedderProvider: Provider = {
  provide: RAG_EMBEDDER,
  inject: [RagConfig],
  useFactory: (config: RagConfig): RagEmbedder => {
    try {
      return createRagEmbedder(config);
    } catch (error) {
      // A bad model name disables the RAG tools (the registrar logs why); it does not stop the server.
      const refuse = (): never => {
        throw error;
      };
      return { name: config.embeddingModel, dimension: 0, ready: async () => refuse(), embed: async () => refuse() };
    }
  },
};
