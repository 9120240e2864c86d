import { Inject } from '@nestjs/common';
import { redactUrl } from '../../config/redact-url';
import { EmbeddedPostgres } from './embedded/embedded-postgres';

/** Where the data lives: a PostgreSQL server named by DB_URL, or the embedded one started at boot. */
export interface DatabaseTarget {
  readonly url: string;
  /** Present when no DB_URL is set: the in-process PGlite (single session, no server-side timeouts). */
  readonly embedded?: EmbeddedPostgres;
  /** For logs: the URL without its password, or a description of the embedded database. */
  readonly label: string;
}

export const DATABASE_TARGET = Symbol('DATABASE_TARGET');
export const InjectDatabaseTarget = (): ParameterDecorator => Inject(DATABASE_TARGET);

export function externalTarget(url: string): DatabaseTarget {
  return { url, label: redactUrl(url) };
}

export function embeddedTarget(embedded: EmbeddedPostgres, dataDir: string): DatabaseTarget {
  return {
    get url() {
      return embedded.url;
    },
    embedded,
    label: `embedded PostgreSQL (PGlite) in ${dataDir}`,
  };
}
