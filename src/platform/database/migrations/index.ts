import { SampleSchema1764201600000 } from './1764201600000-sample-schema';
import { RagStore1764806400000 } from './1764806400000-rag-store';

/** Every migration, in order. Families with tables of their own add theirs here. */
export const MIGRATIONS = [SampleSchema1764201600000, RagStore1764806400000];
