import { endHttpClientSpan, startHttpClientSpan } from '../../platform/tracing/http-client-span';
import { setTimeout as pause } from 'node:timers/promises';
import { readCappedText } from '../../platform/http/read-capped-text';
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
  /** One whole `embed()` call, every batch, attempt and backoff included (RAG_EMBEDDINGS_TIMEOUT_SECONDS). */
  readonly timeoutMs?: number;
  readonly dimension?: number;
  /** Largest response body read; by default derived from the batch size and the dimension. */
  readonly maxResponseBytes?: number;
}

interface EmbeddingsResponse {
  data?: { index?: number; embedding?: unknown }[];
}

const RETRIABLE = (status: number): boolean => status === 429 || status >= 500;

/** Bytes of JSON one vector of `dimension` floats may take (a float prints in at most ~24 characters), plus its envelope. */
const VECTOR_JSON_BYTES = (dimension: number): number => dimension * 32 + 256;

/** The answer's JSON; RagEmbedderError when it is not JSON. */
function parsed(text: string): EmbeddingsResponse {
  try {
    return JSON.parse(text) as EmbeddingsResponse;
  } catch (error) {
    throw new RagEmbedderError('The embeddings endpoint answered something that is not JSON', { cause: error });
  }
}

/** `response`'s body as text, read no further than `maxBytes` (RagEmbedderError past it); the request's signal aborts the read. */
async function cappedText(response: Response, maxBytes: number): Promise<string> {
  const text = await readCappedText(response, maxBytes);
  if (text === undefined) throw new RagEmbedderError(`The embeddings endpoint answered more than ${maxBytes} bytes`);
  return text;
}

/**
 * `openai:<model>`: any OpenAI-compatible `POST /v1/embeddings` endpoint, in batches, asking for
 * `dimensions: RAG_EMBEDDING_DIMENSIONS` (256 by default) and refusing vectors of any other length, so every
 * stored vector of this embedder has one dimension. Follows no redirect (a 3xx is an error), reads at most
 * `maxResponseBytes` of an answer, and bounds the whole call (every batch, retry and backoff) by `timeoutMs`
 * and by the caller's AbortSignal.
 */
export class OpenAiEmbeddingsClient implements RagEmbedder {
  readonly name: string;
  readonly dimension: number;
  private readonly url: string;
  private readonly batchSize: number;
  private readonly attempts: number;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: OpenAiEmbeddingsOptions) {
    this.name = `openai:${options.model}`;
    this.dimension = options.dimension ?? RAG_DIMENSION;
    this.url = `${options.baseUrl.replace(/(?<!\/)\/+$/, '')}/v1/embeddings`;
    this.batchSize = options.batchSize ?? 64;
    this.attempts = options.attempts ?? 3;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 + this.batchSize * VECTOR_JSON_BYTES(this.dimension);
  }

  async ready(): Promise<void> {
    if (!this.options.model) throw new RagEmbedderError('RAG_EMBEDDING_MODEL=openai:<model> needs a model name');
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const bounded = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const vectors: number[][] = [];
    try {
      for (let offset = 0; offset < texts.length; offset += this.batchSize) {
        vectors.push(...(await this.batch(texts.slice(offset, offset + this.batchSize), bounded)));
      }
    } catch (error) {
      if (deadline.aborted && !signal?.aborted) {
        throw new RagEmbedderUnavailableError(`The embeddings endpoint did not answer within ${this.timeoutMs / 1000} s`, { cause: error });
      }
      throw error;
    }
    return vectors;
  }

  private async batch(input: readonly string[], signal: AbortSignal): Promise<number[][]> {
    let last: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await pause(100 * 2 ** (attempt - 2), undefined, { signal });
      let response: Response;
      // With tracing on: one span per attempt, its traceparent sent along.
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const span = startHttpClientSpan({ method: 'POST', url: this.url, resendCount: attempt - 1 }, (name, value) => (headers[name] = value));
      if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
      try {
        response = await fetch(this.url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ model: this.options.model, input, dimensions: this.dimension, encoding_format: 'float' }),
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        endHttpClientSpan(span, { failure: signal.aborted ? 'cancelled' : 'network' });
        if (signal.aborted) throw error;
        last = error;
        continue;
      }
      endHttpClientSpan(span, { status: response.status });
      if (RETRIABLE(response.status)) {
        last = new Error(`embeddings endpoint answered ${response.status}`);
        await response.body?.cancel();
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        const redirect = response.status >= 300 && response.status < 400 ? ', a redirect, which is not followed' : '';
        throw new RagEmbedderError(`The embeddings endpoint refused the request (HTTP ${response.status}${redirect})`);
      }
      return this.vectors(parsed(await cappedText(response, this.maxResponseBytes)), input.length);
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
