import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { DatabaseTarget, InjectDatabaseTarget } from '../../platform/database/database-target';
import {
  createRagSchema,
  vectorExtensionAvailable,
  vectorExtensionInstalled,
} from '../../platform/database/migrations/1764806400000-rag-store';
import { PromptRegistry } from '../../platform/mcp/prompt.registry';
import { registeredPromptFrom } from '../../platform/mcp/registered-prompt';
import { registeredToolFrom } from '../../platform/mcp/registered-tool';
import { ResourceRegistry } from '../../platform/mcp/resource.registry';
import { ToolRegistry } from '../../platform/mcp/tool.registry';
import { RagConfig } from './rag.config';
import { ensureEmbeddingIndex, HNSW_MAX_DIMENSIONS } from './rag-embedding-index';
import { InjectRagDataSource } from './rag-data-source';
import { PGVECTOR_INSTALL_HINT, RAG_FAMILY } from './rag.constants';
import { InjectRagEmbedder, RagEmbedder } from './rag-embedder.interface';
import { RagStoreStatus } from './rag-store.status';
import { RagPrompts } from './rag.prompts';
import { RagTools } from './rag.tools';

/**
 * At module init (before the MCP explorer and any client listing) decides whether the RAG tools serve:
 * RAG enabled (ENABLE_RAG, or unset on the embedded database), pgvector present, the store's tables and the HNSW
 * index for the embedder's dimension there, the embedder ready. Then registers the tools, the prompts and the
 * `rag://documents/{id}` resource template. Otherwise registers nothing and logs one line saying why (and how
 * to install pgvector); the rest of the server runs on.
 */
@Injectable()
export class RagToolsRegistrar implements OnModuleInit {
  constructor(
    private readonly registry: ToolRegistry,
    private readonly resources: ResourceRegistry,
    private readonly config: RagConfig,
    private readonly tools: RagTools,
    private readonly prompts: PromptRegistry,
    private readonly ragPrompts: RagPrompts,
    private readonly status: RagStoreStatus,
    @InjectRagDataSource() private readonly dataSource: DataSource,
    @InjectDatabaseTarget() private readonly target: DatabaseTarget,
    @InjectRagEmbedder() private readonly embedder: RagEmbedder,
    @InjectPinoLogger('RagTools') private readonly logger: PinoLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    const refusal = await this.refusal();
    if (refusal) {
      this.status.set(false, refusal);
      const level = this.config.enabled ? 'warn' : 'info';
      this.logger[level]({ database: this.target.label, reason: refusal }, 'RAG tools disabled');
      return;
    }
    for (const entry of this.tools.entries()) {
      this.registry.register(registeredToolFrom(entry.source, entry.options, entry.handler, RAG_FAMILY));
      this.logger.info(`${entry.source} -> ${entry.options.name}`);
    }
    for (const entry of this.ragPrompts.entries()) {
      this.prompts.register(registeredPromptFrom(entry.source, entry.options, entry.handler, RAG_FAMILY));
      this.logger.info(`${entry.source} -> prompt ${entry.options.name}`);
    }
    this.resources.register(this.tools.resourceTemplate());
    this.status.set(true, 'ready');
    this.logger.info({ embedder: this.embedder.name, dimension: this.embedder.dimension }, 'RAG tools enabled');
  }

  /** Why the tools cannot serve, or undefined when they can. */
  private async refusal(): Promise<string | undefined> {
    if (!this.config.enabled) {
      return this.target.embedded ? 'ENABLE_RAG=false' : 'ENABLE_RAG is not set (RAG is on by default only for the embedded database)';
    }
    try {
      await this.embedder.ready();
    } catch (error) {
      return `the embedder is not usable: ${error instanceof Error ? error.message : String(error)}`;
    }
    try {
      if (!(await vectorExtensionInstalled(this.dataSource))) {
        if (!(await vectorExtensionAvailable(this.dataSource))) return `pgvector is not installed on this PostgreSQL server: ${PGVECTOR_INSTALL_HINT}`;
        try {
          await this.dataSource.query('CREATE EXTENSION IF NOT EXISTS vector');
        } catch {
          return 'pgvector is installed but this role may not CREATE EXTENSION vector: ask a superuser to run it in this database';
        }
      }
      // pgvector may have appeared after the rag-store migration ran (which then did nothing): create the store now.
      await createRagSchema(this.dataSource);
      if (!(await ensureEmbeddingIndex(this.dataSource, this.embedder.dimension))) {
        this.logger.warn(
          { dimension: this.embedder.dimension },
          `pgvector's HNSW index takes at most ${HNSW_MAX_DIMENSIONS} dimensions: vector searches scan every chunk`,
        );
      }
    } catch (error) {
      this.logger.error({ err: error }, 'RAG store check failed');
      return 'the RAG store could not be checked or created (see the error above)';
    }
    return undefined;
  }
}
