import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createLogStream } from './log-stream';

describe('createLogStream', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'log-stream-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const captured = (): { lines: string[]; write: (line: string) => void } => {
    const lines: string[] = [];
    return { lines, write: (line: string) => lines.push(line) };
  };

  it('writes JSON to both the console stream and the file (creating its folder) when LOG_OUTPUT=both', async () => {
    const file = join(dir, 'nested', 'server.log');
    const consoleStream = captured();
    const logger = pino({}, createLogStream({ LOG_FORMAT: 'json', LOG_OUTPUT: 'both', LOG_FILE: file }, { logStream: consoleStream }));
    logger.info({ answer: 42 }, 'hello');
    logger.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(JSON.parse(consoleStream.lines[0])).toMatchObject({ msg: 'hello', answer: 42 });
    expect(JSON.parse(readFileSync(file, 'utf8').trim())).toMatchObject({ msg: 'hello' });
  });

  it('writes human-readable text when LOG_FORMAT=text', () => {
    const consoleStream = captured();
    const logger = pino({}, createLogStream({ LOG_FORMAT: 'text', LOG_OUTPUT: 'stdout', LOG_FILE: join(dir, 'x.log') }, { logStream: consoleStream }));
    logger.warn('careful');
    const text = consoleStream.lines.join('');
    expect(text).toContain('WARN');
    expect(text).toContain('careful');
    expect(() => JSON.parse(text)).toThrow();
  });
});
