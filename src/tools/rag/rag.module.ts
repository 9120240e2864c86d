import { DynamicModule, Module, Provider } from '@nestjs/common';
import { McpModule } from '../../platform/mcp/mcp.module';
import { RagConfig, RAG_SETTINGS_OVERRIDES, RagSettings } from './rag.config';
import { RagCorpusSeeder } from './rag-corpus.seeder';
import { RagDataSourceCloser, ragDataSourceProvider } from './rag-data-source';
import { RAG_EMBEDDER, RagEmbedder } from './rag-embedder.interface';
import { ragEmbedderProvider } from './rag-embedder.provider';
import { RagHealth } from './rag.health';
import { ragMetrics } from './rag.metrics';
import { RagRepository } from './rag.repository';
import { RagService } from './rag.service';
import { RagStoreStatus } from './rag-store.status';
import { RagToolsRegistrar } from './rag-tools.registrar';
import { RagPrompts } from './rag.prompts';
import { RagTools } from './rag.tools';

const PROVIDERS: Provider[] = [
  RagConfig,
  ragDataSourceProvider,
  RagDataSourceCloser,
  ragEmbedderProvider,
  ...ragMetrics,
  RagStoreStatus,
  RagRepository,
  RagService,
  RagTools,
  RagPrompts,
  RagToolsRegistrar,
  RagCorpusSeeder,
  RagHealth,
];

/** What `RagModule.register()` may replace (tests, the CLI). */
export interface RagModuleOverrides {
  readonly settings?: Partial<RagSettings>;
  readonly embedder?: RagEmbedder;
}

/**
 * The RAG family: rag_ingest, rag_search (hybrid vector + full text), rag_list_documents and
 * rag_delete_document over `rag_documents`/`rag_chunks` (pgvector). Registered only when RAG is enabled
 * and pgvector is present (RagToolsRegistrar says why not otherwise). Needs the (global) DatabaseModule;
 * imports McpModule for the ToolRegistry.
 */
@Module({ imports: [McpModule], providers: PROVIDERS, exports: [RagService, RagStoreStatus] })
export class RagModule {
  /** The module with some settings or the embedder replaced. */
  static register(overrides: RagModuleOverrides): DynamicModule {
    return {
      module: RagModule,
      providers: [
        ...(overrides.settings ? [{ provide: RAG_SETTINGS_OVERRIDES, useValue: overrides.settings }] : []),
        ...(overrides.embedder ? [{ provide: RAG_EMBEDDER, useValue: overrides.embedder }] : []),
      ],
    };
  }
}
