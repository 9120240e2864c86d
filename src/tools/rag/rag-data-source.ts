import { Inject, Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DataSource } from 'typeorm';
import { Environment } from '../../config/environment';
import { poolOptions, poolSettingsFrom } from '../../platform/database/typeorm-options';

/** The database of the RAG store: RAG_DB_URL's own DataSource when set, else the main one. */
export const RAG_DATA_SOURCE = Symbol('RAG_DATA_SOURCE');
export const InjectRagDataSource = (): ParameterDecorator => Inject(RAG_DATA_SOURCE);

export const ragDataSourceProvider: Provider = {
  provide: RAG_DATA_SOURCE,
  inject: [ConfigService, DataSource],
  useFactory: async (config: ConfigService<Environment, true>, main: DataSource): Promise<DataSource> => {
    const url = config.get('RAG_DB_URL', { infer: true });
    if (!url) return main;
    const pool = poolOptions(poolSettingsFrom(config), false);
    return new DataSource({ type: 'postgres', url, synchronize: false, entities: [], logging: false, extra: pool }).initialize();
  },
};

/** Closes RAG_DB_URL's DataSource at shutdown (the main one belongs to DatabaseModule). */
@Injectable()
export class RagDataSourceCloser implements OnApplicationShutdown {
  constructor(
    @InjectRagDataSource() private readonly rag: DataSource,
    private readonly main: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.rag !== this.main && this.rag.isInitialized) await this.rag.destroy();
  }
}
