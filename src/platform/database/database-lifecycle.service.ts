import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { Environment } from '../../config/environment';
import { DatabaseTarget, InjectDatabaseTarget } from './database-target';
import { seedSampleData } from './sample-data';

/** Announces the database at boot, seeds the embedded one when empty, stops it last at shutdown. */
@Injectable()
export class DatabaseLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @InjectDatabaseTarget() private readonly target: DatabaseTarget,
    private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
    @InjectPinoLogger('Database') private readonly logger: PinoLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const seed = this.target.embedded !== undefined && this.config.get('DB_SEED_SAMPLE_DATA', { infer: true });
    const seeded = seed ? await seedSampleData(this.dataSource) : false;
    // owner: this process serves the embedded database; attached: another process on the same directory does.
    const role = this.target.embedded?.role;
    this.logger.info({ database: this.target.label, ...(role && { embedded_role: role }), sample_data_loaded: seeded }, 'database ready');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.target.embedded?.stop();
  }
}
