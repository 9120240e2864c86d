import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { HealthCheckProvider } from '../../platform/health/health-check-provider.decorator';
import { HealthCheck } from '../../platform/health/health-check.interface';
import { withTimeout } from '../../platform/health/with-timeout';
import { CachedFigure } from './cached-figure';
import { RagConfig } from './rag.config';
import { InjectRagEmbedder, RagEmbedder } from './rag-embedder.interface';
import { RagRepository } from './rag.repository';
import { RagStoreStatus } from './rag-store.status';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * `rag` in `/health`: the store answers and the embedder is ready. Does not gate readiness (RAG is optional).
 * The figures (the document count) are fetched at most once per RAG_HEALTH_CACHE_SECONDS, by one query, so a
 * flood of `/health` cannot load the database.
 */
@HealthCheckProvider()
@Injectable()
export class RagHealth implements HealthCheck {
  readonly key = 'rag';
  private readonly documents: CachedFigure<number>;

  constructor(
    private readonly status: RagStoreStatus,
    repository: RagRepository,
    config: RagConfig,
    @InjectRagEmbedder() private readonly embedder: RagEmbedder,
  ) {
    this.documents = new CachedFigure(() => this.embedder.ready().then(() => repository.countDocuments()), config.healthCacheMs);
  }

  isEnabled(): boolean {
    return this.status.enabled;
  }

  gatesReadiness(): boolean {
    return false;
  }

  async check(indicator: HealthIndicatorService): Promise<HealthIndicatorResult> {
    const session = indicator.check(this.key);
    try {
      const documents = await withTimeout(this.documents.get(), CHECK_TIMEOUT_MS);
      return session.up({ documents, embedder: this.embedder.name });
    } catch {
      return session.down({ message: 'The RAG store or its embedder did not answer in time' });
    }
  }
}
