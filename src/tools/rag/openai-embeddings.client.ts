import { setTimeout as pause } from 'node:timers/promises';
import { RAG_DIMENSION } from './rag.constants';
import { RagEmbedder, RagEmbedderError, RagEmbedderUnavailableError } from './rag-embedder.interface';
import { unitVector } from './unit-vector';

export interface OpenAiEmbeddingsOptions {
  /** Base URL of an OpenAI-compatible server; `/v1/embeddings` is appended. */
  readonly baseUrl: string;
  readonly model: string;
  readonly apiKey?: string;
  /** Texts per request. */
  readonly batchSize?: number;
  /** Attempts per batch (network errors, 429 and 5xx are retried with a short backoff). */
  readonly attempts?: number;
  readonly timeoutMs?: number;
  readonly dimension?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

const RETRIABLE = (status: number): boolean => status === 429 || status >= 500;

/**
 * `openai:<model>`: any OpenAI-compatible `POST /v1/embeddings` endpoint, in batches, asking for
 * `dimensions: RAG_EMBEDDING_DIMENSIONS` (256 by default) and refusing vectors of any other length, so every
 * stored vector of this embedder has one dimension.
 */
export class OpenAiEmbeddingsClient implements RagEmbedder {
  readonly name: string;
  readonly dimension: number;
  private readonly url: string;
  private readonly batchSize: number;
  private readonly attempts: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: OpenAiEmbeddingsOptions) {
    this.name = `openai:${options.model}`;
    this.dimension = options.dimension ?? RAG_DIMENSION;
    this.url = `${options.baseUrl.replace(/(?<!\/)\/+$/, '')}/v1/embeddings`;
    this.batchSize = options.batchSize ?? 64;
    this.attempts = options.attempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async ready(): Promise<void> {
    if (!this.options.model) throw new RagEmbedderError('RAG_EMBEDDING_MODEL=openai:<model> needs a model name');
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let offset = 0; offset < texts.length; offset += this.batchSize) {
      vectors.push(...(await this.batch(texts.slice(offset, offset + this.batchSize), signal)));
    }
    return vectors;
  }

  private async batch(input: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    let last: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await pause(100 * 2 ** (attempt - 2), undefined, signal ? { signal } : undefined);
      let response: Response;
      try {
        const deadline = AbortSignal.timeout(this.timeoutMs);
        response = await fetch(this.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: this.options.model, input, dimensions: this.dimension, encoding_format: 'float' }),
          signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        last = error;
        continue;
      }
      if (RETRIABLE(response.status)) {
        last = new Error(`embeddings endpoint answered ${response.status}`);
        await response.body?.cancel();
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new RagEmbedderError(`The embeddings endpoint refused the request (HTTP ${response.status})`);
      }
      return this.vectors((await response.json()) as EmbeddingsResponse, input.length);
    }
    throw new RagEmbedderUnavailableError(`The embeddings endpoint is unavailable (${this.attempts} attempts)`, { cause: last });
  }

  private vectors(body: EmbeddingsResponse, count: number): number[][] {
    const data = Array.isArray(body.data) ? body.data : [];
    if (data.length !== count) throw new RagEmbedderError(`The embeddings endpoint answered ${data.length} vectors for ${count} texts`);
    const ordered = [...data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return ordered.map(({ embedding }) => {
      if (!Array.isArray(embedding) || !embedding.every((value) => typeof value === 'number' && Number.isFinite(value))) {
        throw new RagEmbedderError('The embeddings endpoint answered something that is not a vector');
      }
      if (embedding.length !== this.dimension) {
        throw new RagEmbedderError(
          `The model ${this.options.model} answered ${embedding.length} dimensions, not the ${this.dimension} asked for ` +
            '(set RAG_EMBEDDING_DIMENSIONS to its size, or use a model that honours the `dimensions` parameter, e.g. text-embedding-3-small)',
        );
      }
      return unitVector(embedding as number[]);
    });
  }
}
