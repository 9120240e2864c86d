/** A pino destination that keeps every line, so tests can read what the server logged. */
export class LogCapture {
  readonly lines: string[] = [];

  write(chunk: string): void {
    for (const line of chunk.split('\n')) if (line.trim() !== '') this.lines.push(line);
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Parsed JSON lines (the default LOG_FORMAT). */
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
