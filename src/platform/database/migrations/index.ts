import { SampleSchema1764201600000 } from './1764201600000-sample-schema';
import { RagStore1764806400000 } from './1764806400000-rag-store';
import { RagAnyDimension1795910400000 } from './1795910400000-rag-any-dimension';

/** Every migration, in order. Families with tables of their own add theirs here. */
export const MIGRATIONS = [SampleSchema1764201600000, RagStore1764806400000, RagAnyDimension1795910400000];
