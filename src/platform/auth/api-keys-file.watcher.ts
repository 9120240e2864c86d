import { createHash } from 'node:crypto';
import { FSWatcher, unwatchFile, watch, watchFile } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { ApiKeyStore } from './api-key.store';
import { MAX_KEYS_FILE_BYTES } from './api-keys-file';

/** Changes often come in bursts (truncate, then write): wait this long after the last one before reading. */
const SETTLE_MS = 100;

/**
 * Reloads API_KEYS_FILE when it changes: a watch on its directory (which survives editors and Kubernetes
 * replacing the file), a poll every API_KEYS_POLL_SECONDS as a fallback, and SIGHUP. A valid new version
 * replaces every key at once; an invalid or unreadable one is logged with every problem and the keys in force
 * stay. Requests in flight keep the principal they were given.
 */
@Injectable()
export class ApiKeysFileWatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly file?: string;
  private readonly pollMs: number;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  /** What asked for the reload under way; SIGHUP wins over a change seen in the same instant (it forces a reload). */
  private pendingTrigger?: string;
  private lastDigest?: string;
  private reloading: Promise<void> = Promise.resolve();
  private readonly onSignal = (): void => this.schedule('SIGHUP');

  constructor(
    private readonly store: ApiKeyStore,
    config: ConfigService<Environment, true>,
    @InjectPinoLogger(ApiKeysFileWatcher.name) private readonly logger: PinoLogger,
  ) {
    this.file = store.registryFile;
    this.pollMs = config.get('API_KEYS_POLL_SECONDS', { infer: true }) * 1000;
  }

  async onModuleInit(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.lastDigest = await this.digestOf(file).catch(() => undefined);
    this.logger.info({ keys: this.store.registrySize }, 'API keys file loaded');
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(file)) this.schedule('change');
      });
      this.watcher.on('error', (error) => this.logger.warn({ reason: error.message }, 'API keys file watch failed: polling only'));
    } catch (error) {
      this.logger.warn({ reason: (error as Error).message }, 'API keys file cannot be watched: polling only');
    }
    watchFile(file, { persistent: false, interval: this.pollMs }, () => this.schedule('poll'));
    process.on('SIGHUP', this.onSignal);
  }

  onApplicationShutdown(): void {
    if (!this.file) return;
    this.watcher?.close();
    unwatchFile(this.file);
    process.off('SIGHUP', this.onSignal);
    clearTimeout(this.timer);
  }

  /** Reads the file now (after any reload under way); resolves once the outcome is applied and logged. */
  reload(trigger: string): Promise<void> {
    this.reloading = this.reloading.then(() => this.apply(trigger));
    return this.reloading;
  }

  private schedule(trigger: string): void {
    clearTimeout(this.timer);
    if (this.pendingTrigger !== 'SIGHUP') this.pendingTrigger = trigger;
    this.timer = setTimeout(() => {
      const pending = this.pendingTrigger ?? trigger;
      this.pendingTrigger = undefined;
      void this.reload(pending);
    }, SETTLE_MS);
    this.timer.unref();
  }

  private async apply(trigger: string): Promise<void> {
    const file = this.file as string;
    let text: string;
    try {
      text = await this.read(file);
    } catch (error) {
      this.logger.error({ trigger, reason: (error as NodeJS.ErrnoException).code ?? (error as Error).message }, 'API keys file cannot be read: the keys in force stay');
      return;
    }
    const digest = createHash('sha256').update(text).digest('hex');
    if (digest === this.lastDigest && trigger !== 'SIGHUP') return;
    const outcome = this.store.replaceRegistry(text);
    if (!outcome.ok) {
      this.logger.error({ trigger, problems: outcome.problems }, 'API keys file is invalid: the keys in force stay');
      return;
    }
    this.lastDigest = digest;
    this.logger.info({ trigger, keys: this.store.registrySize }, 'API keys file reloaded');
  }

  private async read(file: string): Promise<string> {
    const buffer = await readFile(file);
    if (buffer.length > MAX_KEYS_FILE_BYTES) throw new Error(`larger than ${MAX_KEYS_FILE_BYTES} bytes`);
    return buffer.toString('utf8');
  }

  private async digestOf(file: string): Promise<string> {
    return createHash('sha256').update(await this.read(file)).digest('hex');
  }
}
