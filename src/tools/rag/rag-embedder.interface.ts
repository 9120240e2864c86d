import { Inject } from '@nestjs/common';

/** Turns texts into unit vectors of `dimension` numbers; one implementation per RAG_EMBEDDING_MODEL kind. */
export interface RagEmbedder {
  /** As configured and stored per document, e.g. `hashing`, `openai:text-embedding-3-small`. */
  readonly name: string;
  readonly dimension: number;
  /** One vector per text, in order. Rejects when any text could not be embedded. */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
  /** Throws with a safe message when the embedder cannot work (missing files, bad settings). */
  ready(): Promise<void>;
}

export const RAG_EMBEDDER = Symbol('RAG_EMBEDDER');
export const InjectRagEmbedder = (): ParameterDecorator => Inject(RAG_EMBEDDER);

/** The embedder cannot be used as configured; the message is safe to log and to show. */
export class RagEmbedderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RagEmbedderError';
  }
}

/** An embedder failure that may pass (5xx, network): the same call may succeed later. */
export class RagEmbedderUnavailableError extends RagEmbedderError {}
