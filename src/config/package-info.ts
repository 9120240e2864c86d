import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name and version from package.json (read once; the file sits one level above both src/ and dist/). */
export const PACKAGE_INFO = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  readonly name: string;
  readonly version: string;
};
