import { SampleSchema1764201600000 } from './1764201600000-sample-schema';

/** Every migration, in order. Families with tables of their own add theirs here. */
export const MIGRATIONS = [SampleSchema1764201600000];
