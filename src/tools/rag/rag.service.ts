import { inSpan } from '../../platform/tracing/in-span';
import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { Counter, Histogram } from 'prom-client';
import {
  InvalidArgumentsException,
  ToolException,
  ToolFailedException,
  ToolNotFoundException,
  ToolRetryException,
} from '../../platform/errors/tool.exception';
import { chunkDocument, RagChunk } from './rag-chunker';
import { RagConfig } from './rag.config';
import { REINDEX_HINT } from './rag.constants';
import {
  RagDeletedDocument,
  RagDocumentList,
  RagDocumentSummary,
  RagIngestDocument,
  RagIngestedDocument,
  RagIngestOutput,
  RagListDocumentsInput,
  RagSearchInput,
  RagSearchOutput,
} from './rag.dto';
import { InjectRagEmbedder, RagEmbedder, RagEmbedderError, RagEmbedderUnavailableError } from './rag-embedder.interface';
import { RAG_EMBED_DURATION_SECONDS, RAG_INGEST_CHUNKS_TOTAL, RAG_SEARCH_DURATION_SECONDS } from './rag.metrics';
import { RagDocumentPosition, RagDocumentRow, RagRepository } from './rag.repository';

/** What the service needs from a tool call. */
export interface RagCall {
  readonly signal: AbortSignal;
  readonly onProgress?: (done: number, total: number, message: string) => Promise<void>;
}

/** The embedded default's store and the configured embedder disagree; the message says to re-index. */
export class RagEmbedderMismatchException extends ToolException {
  readonly status = 'invalid';
}

export const documentUri = (id: string): string => `rag://documents/${id}`;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The RAG logic: chunking, embedding, idempotent ingestion, hybrid search. */
@Injectable()
export class RagService {
  constructor(
    private readonly repository: RagRepository,
    private readonly config: RagConfig,
    @InjectRagEmbedder() readonly embedder: RagEmbedder,
    @InjectMetric(RAG_INGEST_CHUNKS_TOTAL) private readonly chunksTotal: Counter<string>,
    @InjectMetric(RAG_SEARCH_DURATION_SECONDS) private readonly searchDuration: Histogram<string>,
    @InjectMetric(RAG_EMBED_DURATION_SECONDS) private readonly embedDuration: Histogram<string>,
  ) {}

  /**
   * Ingests documents one after the other. Per document: unchanged when its text (by SHA-256) is already
   * stored for its source (or, without a source, anywhere without one); otherwise chunked and embedded
   * first, then written in one transaction that replaces the previous version of the same source.
   */
  async ingest(documents: readonly RagIngestDocument[], call: RagCall): Promise<RagIngestOutput> {
    // Every document is checked (and chunked) before any is embedded or written: an oversized one refuses the whole call.
    const chunked = documents.map((document, index) => this.chunksWithinBounds(document, `documents[${index}].text`));
    await this.refuseOtherEmbedders();
    const results: RagIngestedDocument[] = [];
    let written = 0;
    for (const [index, document] of documents.entries()) {
      call.signal.throwIfAborted();
      const result = await this.ingestOne(document, call.signal, chunked[index]);
      results.push(result);
      if (result.status !== 'unchanged') written += result.chunks;
      await call.onProgress?.(index + 1, documents.length, `${result.status} ${document.source ?? result.id} (${result.chunks} chunks)`);
    }
    return { documents: results, chunks_written: written };
  }

  /** The document's chunks; `invalid` naming `field` when its text is over RAG_MAX_DOCUMENT_BYTES or splits into more than RAG_MAX_CHUNKS_PER_DOCUMENT. */
  chunksWithinBounds(document: Pick<RagIngestDocument, 'text'>, field: string): RagChunk[] {
    const bytes = Buffer.byteLength(document.text, 'utf8');
    if (bytes > this.config.maxDocumentBytes) {
      throw new InvalidArgumentsException([{ field, message: `is ${bytes} bytes (UTF-8), more than RAG_MAX_DOCUMENT_BYTES (${this.config.maxDocumentBytes})` }]);
    }
    const chunks = chunkDocument(document.text, { size: this.config.chunkSize, overlap: this.config.chunkOverlap });
    if (chunks.length > this.config.maxChunksPerDocument) {
      throw new InvalidArgumentsException([
        { field, message: `splits into ${chunks.length} chunks, more than RAG_MAX_CHUNKS_PER_DOCUMENT (${this.config.maxChunksPerDocument})` },
      ]);
    }
    return chunks;
  }

  /**
   * Re-embeds, with the configured embedder, every document indexed with another one (one document per
   * transaction, so an interrupted run can simply be started again). Answers how many were re-indexed.
   */
  async reindex(call: RagCall): Promise<number> {
    const ids = await this.store(() => this.repository.idsIndexedWithOther(this.embedder.name, this.embedder.dimension));
    for (const [index, id] of ids.entries()) {
      call.signal.throwIfAborted();
      const row = await this.store(() => this.repository.findById(id));
      if (row) {
        await this.ingestOne({ text: row.content, title: row.title ?? undefined, source: row.source ?? undefined, metadata: row.metadata }, call.signal);
      }
      await call.onProgress?.(index + 1, ids.length, row?.source ?? id);
    }
    return ids.length;
  }

  private async ingestOne(document: RagIngestDocument, signal: AbortSignal, chunked?: RagChunk[]): Promise<RagIngestedDocument> {
    const hash = sha256(document.text);
    const source = document.source ?? null;
    const existing = await this.store(() => (source !== null ? this.repository.findBySource(source) : this.repository.findUnsourcedByHash(hash)));
    if (existing && existing.content_sha256 === hash && this.indexedHere(existing)) {
      return { id: existing.id, ...(source !== null ? { source } : {}), status: 'unchanged', chunks: existing.chunk_count };
    }
    const chunks = chunked ?? chunkDocument(document.text, { size: this.config.chunkSize, overlap: this.config.chunkOverlap });
    // Embeddings first, outside the transaction: an embedder failure leaves the stored version untouched.
    const embeddings = await this.embed(
      chunks.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text)),
      signal,
    );
    const id = await this.store(() =>
      this.repository.save(
        {
          source,
          title: document.title ?? null,
          metadata: document.metadata ?? {},
          content: document.text,
          sha256: hash,
          embedder: this.embedder.name,
          dim: this.embedder.dimension,
          chunks,
          embeddings,
        },
        existing?.id,
      ),
    );
    this.chunksTotal.inc(chunks.length);
    return { id, ...(source !== null ? { source } : {}), status: existing ? 'replaced' : 'created', chunks: chunks.length };
  }

  /** Traced as `rag.search` (the embed and store phases are its children). */
  search(input: RagSearchInput, call: RagCall): Promise<RagSearchOutput> {
    return inSpan('rag.search', { 'mcp_tool_server.rag.mode': input.mode, 'mcp_tool_server.rag.k': input.k }, () => this.searchUntraced(input, call));
  }

  private async searchUntraced(input: RagSearchInput, call: RagCall): Promise<RagSearchOutput> {
    const stop = this.searchDuration.startTimer({ mode: input.mode });
    try {
      await this.refuseOtherEmbedders();
      const embedding = input.mode === 'text' ? undefined : (await this.embed([input.query], call.signal))[0];
      call.signal.throwIfAborted();
      const rows = await this.store(() =>
        this.repository.search({
          mode: input.mode,
          text: input.query,
          embedding,
          k: input.k,
          source: input.filter?.source,
          metadata: input.filter?.metadata,
          exactSearchMaxChunks: this.config.exactSearchMaxChunks,
          efSearch: this.config.hnswEfSearch,
        }),
      );
      return {
        mode: input.mode,
        embedder: this.embedder.name,
        results: rows.map((row) => ({
          document_id: row.document_id,
          ...(row.title !== null ? { title: row.title } : {}),
          ...(row.source !== null ? { source: row.source } : {}),
          ordinal: row.ordinal,
          ...(row.heading !== null ? { heading: row.heading } : {}),
          text: row.text,
          score: Number(row.score),
          // A query with no words (only punctuation) embeds as the zero vector, whose cosine similarity is NaN: not a figure to answer.
          ...(row.similarity !== null && Number.isFinite(Number(row.similarity)) ? { similarity: Number(row.similarity) } : {}),
          ...(row.text_score !== null ? { text_score: Number(row.text_score) } : {}),
          uri: documentUri(row.document_id),
        })),
      };
    } finally {
      stop();
    }
  }

  async list(input: RagListDocumentsInput): Promise<RagDocumentList> {
    const { rows, total } = await this.store(() => this.repository.list(input.limit, input.offset, input.source));
    return { documents: rows.map(summary), total };
  }

  /** Ids of up to `limit` documents whose id starts with, or whose title contains, `partial` (completion of `rag://documents/{id}`). */
  async suggestIds(partial: string, limit: number): Promise<string[]> {
    return (await this.store(() => this.repository.suggest(partial, limit))).map((row) => row.id);
  }

  /** Up to `limit` documents newest first, after `after`; `next` is where the following page starts, if any. */
  async page(limit: number, after?: RagDocumentPosition): Promise<{ documents: RagDocumentSummary[]; next?: RagDocumentPosition }> {
    const rows = await this.store(() => this.repository.page(limit + 1, after));
    const documents = rows.slice(0, limit);
    const last = documents[documents.length - 1];
    return { documents: documents.map(summary), ...(rows.length > limit ? { next: { createdAt: last.position_at, id: last.id } } : {}) };
  }

  async get(id: string): Promise<RagDocumentSummary & { content: string }> {
    const row = await this.store(() => this.repository.findById(id));
    if (!row) throw new ToolNotFoundException(`Document ${id} does not exist`);
    return { ...summary(row), content: row.content };
  }

  async delete(id: string): Promise<RagDeletedDocument> {
    const row = await this.store(() => this.repository.delete(id));
    if (!row) throw new ToolNotFoundException(`Document ${id} does not exist`);
    return { id: row.id, ...(row.source !== null ? { source: row.source } : {}), chunks: row.chunk_count };
  }

  /** Whether a stored document's vectors come from the configured embedder (name and dimension, as the repository compares them). */
  private indexedHere(document: RagDocumentRow): boolean {
    return document.embedder === this.embedder.name && document.dim === this.embedder.dimension;
  }

  /** Mixing vectors of two embedders gives meaningless distances: refuse until the store is re-indexed. */
  private async refuseOtherEmbedders(): Promise<void> {
    const others = await this.store(() => this.repository.otherEmbedders(this.embedder.name, this.embedder.dimension));
    if (others.length > 0) {
      throw new RagEmbedderMismatchException(
        `The RAG store was indexed with ${others.join(', ')} but the server is configured with ${this.embedder.name} (${this.embedder.dimension} dimensions) ` +
          `(RAG_EMBEDDING_MODEL); re-index the store (${REINDEX_HINT}) or set RAG_EMBEDDING_MODEL back`,
      );
    }
  }

  /** Traced as `rag.embed` (embedder name, number of texts; never the texts). */
  private embed(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return Promise.resolve([]);
    return inSpan('rag.embed', { 'mcp_tool_server.rag.embedder': this.embedder.name, 'mcp_tool_server.rag.texts': texts.length }, () =>
      this.embedUntraced(texts, signal),
    );
  }

  private async embedUntraced(texts: readonly string[], signal: AbortSignal): Promise<number[][]> {
    const stop = this.embedDuration.startTimer({ embedder: this.embedder.name });
    try {
      const vectors = await this.embedder.embed(texts, signal);
      if (vectors.length !== texts.length) throw new RagEmbedderError(`The embedder answered ${vectors.length} vectors for ${texts.length} texts`);
      return vectors;
    } catch (error) {
      if (signal.aborted || (error instanceof Error && error.name === 'AbortError')) throw error;
      if (error instanceof RagEmbedderUnavailableError) throw new ToolRetryException('The embedding service is unavailable; try again shortly', 5, { cause: error });
      throw new ToolFailedException('The embedder failed', { cause: error });
    } finally {
      stop();
    }
  }

  /** Store failures become safe tool errors; the raw error goes to the log as `cause`. */
  private async store<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ToolException) throw error;
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new ToolFailedException('The RAG store failed', { cause: error });
    }
  }
}

function summary(row: RagDocumentRow): RagDocumentSummary {
  return {
    id: row.id,
    ...(row.source !== null ? { source: row.source } : {}),
    ...(row.title !== null ? { title: row.title } : {}),
    metadata: row.metadata,
    chunks: row.chunk_count,
    content_sha256: row.content_sha256,
    embedder: row.embedder,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    uri: documentUri(row.id),
  };
}
