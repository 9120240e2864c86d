import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { RagConfig } from './rag.config';
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

/** A file as a document: the first `# Heading` is its title, its path relative to `root` its source. */
export async function fileDocument(file: string, root: string, metadata: Record<string, unknown> = {}): Promise<RagIngestDocument> {
  const text = await readFile(file, 'utf8');
  const title = /^#[ \t]+(\S.*)$/m.exec(text)?.[1]?.trim() ?? basename(file, extname(file));
  const source = relative(root, file).split('\\').join('/') || basename(file);
  return { text, title, source, metadata };
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
      const documents = await Promise.all(files.map((file) => fileDocument(file, this.config.corpusDir, { corpus: 'sample' })));
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
