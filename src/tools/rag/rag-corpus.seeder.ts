import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RagConfig } from './rag.config';
import { MAX_SOURCE_LENGTH, MAX_TITLE_LENGTH } from './rag.constants';
import { RagIngestDocument } from './rag.dto';
import { RagRepository } from './rag.repository';
import { RagService } from './rag.service';
import { RagStoreStatus } from './rag-store.status';

const TEXT_FILES = new Set(['.md', '.txt']);

/** `.md`/`.txt` files under `path` (a file or a folder, recursively), sorted. */
export async function textFiles(path: string): Promise<string[]> {
  if (TEXT_FILES.has(extname(path).toLowerCase())) return [path];
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && TEXT_FILES.has(extname(entry.name).toLowerCase()))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** A file that is not read as a document (too large); the message says which and why, for one log line. */
export class SkippedFileError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`skipped ${file}: ${reason}`);
    this.name = 'SkippedFileError';
  }
}

/**
 * A file as a document: the first `# Heading` is its title, its path relative to `root` its source.
 * SkippedFileError, before reading it, when it is larger than `maxBytes` (RAG_MAX_DOCUMENT_BYTES).
 */
export async function fileDocument(file: string, root: string, maxBytes: number, metadata: Record<string, unknown> = {}): Promise<RagIngestDocument> {
  const { size } = await stat(file);
  if (size > maxBytes) throw new SkippedFileError(file, `${size} bytes, more than RAG_MAX_DOCUMENT_BYTES (${maxBytes})`);
  const text = await readFile(file, 'utf8');
  const title = /^#[ \t]+(\S.*)$/m.exec(text)?.[1]?.trim().slice(0, MAX_TITLE_LENGTH) ?? basename(file, extname(file));
  const source = relative(root, file).split('\\').join('/') || basename(file);
  return { text, title, source: source.slice(0, MAX_SOURCE_LENGTH), metadata };
}

/** Seeds the sample corpus into an empty store at boot, on the embedded database only (RagConfig.seedCorpus). */
@Injectable()
export class RagCorpusSeeder implements OnApplicationBootstrap {
  constructor(
    private readonly config: RagConfig,
    private readonly status: RagStoreStatus,
    private readonly repository: RagRepository,
    private readonly rag: RagService,
    @InjectPinoLogger('RagTools') private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.status.enabled || !this.config.seedCorpus) return;
    try {
      if ((await this.repository.countDocuments()) > 0) return;
      const files = await textFiles(this.config.corpusDir);
      const documents: RagIngestDocument[] = [];
      for (const file of files) {
        try {
          documents.push(await fileDocument(file, this.config.corpusDir, this.config.maxDocumentBytes, { corpus: 'sample' }));
        } catch (error) {
          if (!(error instanceof SkippedFileError)) throw error;
          this.logger.warn(error.message);
        }
      }
      const started = performance.now();
      const result = await this.rag.ingest(documents, { signal: new AbortController().signal });
      const seconds = (performance.now() - started) / 1000;
      this.logger.info(
        { documents: result.documents.length, chunks: result.chunks_written, chunks_per_second: Math.round(result.chunks_written / seconds) },
        'RAG sample corpus loaded',
      );
    } catch (error) {
      this.logger.warn({ err: error, corpus: this.config.corpusDir }, 'RAG sample corpus not loaded');
    }
  }
}
