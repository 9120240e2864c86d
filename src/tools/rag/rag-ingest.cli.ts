import 'reflect-metadata';
import { resolve, dirname } from 'node:path';
import { stat } from 'node:fs/promises';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appConfigModule } from '../../config/config.module';
import { RuntimeModule } from '../../config/runtime.module';
import { DatabaseModule } from '../../platform/database/database.module';
import { LoggingModule } from '../../platform/logging/logging.module';
import { McpModule } from '../../platform/mcp/mcp.module';
import { MetricsModule } from '../../platform/metrics/metrics.module';
import { InvalidArgumentsException } from '../../platform/errors/tool.exception';
import { fileDocument, SkippedFileError, textFiles } from './rag-corpus.seeder';
import { RagConfig } from './rag.config';
import { RagIngestDocument } from './rag.dto';
import { RagModule } from './rag.module';
import { RagService } from './rag.service';
import { RagStoreStatus } from './rag-store.status';

const USAGE = 'usage: npm run rag:ingest -- <folder or .md/.txt files>...   |   npm run rag:ingest -- --reindex';

/** A one-line progress bar on stderr. */
function progress(done: number, total: number, label: string): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${label.slice(0, 60).padEnd(60)}`);
  if (done === total) process.stderr.write('\n');
}

/**
 * `npm run rag:ingest -- <paths>`: ingests `.md`/`.txt` files (folders recursively) into the RAG store of
 * DB_URL (or the embedded database), one document per file, its source the path relative to the folder
 * given. Resumable: files whose text is already stored are skipped. `--reindex` re-embeds the documents
 * indexed with another embedder than RAG_EMBEDDING_MODEL.
 */
async function main(args: string[]): Promise<void> {
  const reindex = args.includes('--reindex');
  const paths = args.filter((arg) => arg !== '--reindex');
  if (!reindex && paths.length === 0) throw new Error(USAGE);

  @Module({
    imports: [
      await appConfigModule({ stdio: true }),
      RuntimeModule.forRoot({ stdio: true }),
      LoggingModule.forRoot(),
      MetricsModule,
      McpModule,
      DatabaseModule,
      RagModule.register({ settings: { enabled: true, seedCorpus: false } }),
    ],
  })
  class RagIngestCliModule {}

  const app = await NestFactory.createApplicationContext(RagIngestCliModule, { logger: ['error', 'warn'] });
  try {
    const status = app.get(RagStoreStatus);
    if (!status.enabled) throw new Error(`RAG is not available: ${status.reason}`);
    const rag = app.get(RagService);
    const signal = new AbortController().signal;
    if (reindex) {
      const count = await rag.reindex({ signal, onProgress: async (done, total, label) => progress(done, total, label) });
      process.stderr.write(`re-indexed ${count} document(s) with ${rag.embedder.name}\n`);
      return;
    }
    const config = app.get(RagConfig);
    const documents: RagIngestDocument[] = [];
    const skipped: string[] = [];
    for (const path of paths.map((p) => resolve(p))) {
      const root = (await stat(path)).isDirectory() ? path : dirname(path);
      for (const file of await textFiles(path)) {
        try {
          documents.push(await fileDocument(file, root, config.maxDocumentBytes));
        } catch (error) {
          if (!(error instanceof SkippedFileError)) throw error;
          skipped.push(error.message);
        }
      }
    }
    const files = documents.length + skipped.length;
    const counts = { created: 0, replaced: 0, unchanged: 0, chunks: 0 };
    const started = performance.now();
    progress(0, documents.length, '');
    for (const [index, document] of documents.entries()) {
      try {
        const { documents: [result], chunks_written } = await rag.ingest([document], { signal });
        counts[result.status] += 1;
        counts.chunks += chunks_written;
      } catch (error) {
        if (!(error instanceof InvalidArgumentsException)) throw error;
        skipped.push(`skipped ${document.source ?? ''}: ${error.issues.map((issue) => `text ${issue.message}`).join('; ')}`);
      }
      progress(index + 1, documents.length, document.source ?? '');
    }
    for (const line of skipped) process.stderr.write(`${line}\n`);
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(
      `${files} file(s): ${counts.created} created, ${counts.replaced} replaced, ${counts.unchanged} unchanged, ` +
        `${skipped.length} skipped (too large); ` +
        `${counts.chunks} chunks in ${seconds.toFixed(2)} s (${Math.round(counts.chunks / Math.max(seconds, 0.001))} chunks/s) with ${rag.embedder.name}\n`,
    );
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`\nrag:ingest failed: ${(error as Error).message}\n`);
  process.exit(1);
});
