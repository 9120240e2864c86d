import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RAG_DIMENSION } from './rag.constants';
import { RagEmbedder, RagEmbedderError } from './rag-embedder.interface';

/** Files a sentence-transformer exported for transformers.js must have (e.g. all-MiniLM-L6-v2). */
export const LOCAL_MODEL_FILES = ['config.json', 'tokenizer.json', 'onnx/model.onnx'];

/**
 * `local:<dir>`: a sentence-transformer ONNX model read from a local directory, never downloaded.
 * Checks the files at boot and fails fast naming the missing ones. Running the model needs
 * transformers.js (onnxruntime), which this build does not include: with the files present it still
 * refuses, saying so.
 */
export class LocalOnnxEmbedder implements RagEmbedder {
  readonly name: string;
  readonly dimension = RAG_DIMENSION;

  constructor(private readonly directory: string) {
    this.name = `local:${directory}`;
  }

  missingFiles(): string[] {
    return LOCAL_MODEL_FILES.filter((file) => !existsSync(join(this.directory, file)));
  }

  async ready(): Promise<void> {
    const missing = this.missingFiles();
    if (missing.length > 0) {
      throw new RagEmbedderError(
        `RAG_EMBEDDING_MODEL=local:${this.directory}: the model directory lacks ${missing.join(', ')} ` +
          '(put an ONNX sentence-transformer export there, e.g. all-MiniLM-L6-v2; nothing is downloaded at run time)',
      );
    }
    throw new RagEmbedderError(
      'RAG_EMBEDDING_MODEL=local:<dir> needs the @huggingface/transformers package (onnxruntime), which is not installed; ' +
        'use hashing or openai:<model>',
    );
  }

  async embed(): Promise<number[][]> {
    await this.ready();
    return [];
  }
}
