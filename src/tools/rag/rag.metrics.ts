import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const RAG_INGEST_CHUNKS_TOTAL = 'rag_ingest_chunks_total';
export const RAG_SEARCH_DURATION_SECONDS = 'rag_search_duration_seconds';
export const RAG_EMBED_DURATION_SECONDS = 'rag_embed_duration_seconds';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Chunks stored, search time by mode, embedding time by embedder. */
export const ragMetrics = [
  makeCounterProvider({ name: RAG_INGEST_CHUNKS_TOTAL, help: 'Chunks stored by RAG ingestion' }),
  makeHistogramProvider({
    name: RAG_SEARCH_DURATION_SECONDS,
    help: 'Duration of rag_search (embedding the query included) in seconds, by mode',
    labelNames: ['mode'],
    buckets: BUCKETS,
  }),
  makeHistogramProvider({
    name: RAG_EMBED_DURATION_SECONDS,
    help: 'Duration of one embedding call (a batch of texts) in seconds, by embedder',
    labelNames: ['embedder'],
    buckets: BUCKETS,
  }),
];
