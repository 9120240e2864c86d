import { Worker } from 'node:worker_threads';

/**
 * Runs in its own thread so that the test's busy main thread (building megabyte bodies) does not
 * stretch what it measures: GET `url` one after the other, 50 ms apart, and keep the slowest answer.
 * A request with no answer counts from when it was sent until the next report.
 */
const PROBE_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let slowest = 0;
let samples = 0;
let failures = 0;
let pendingSince;
let stopped = false;
function once() {
  return new Promise((resolve) => {
    pendingSince = performance.now();
    const req = http.get(workerData.url, { agent, timeout: 30000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
  });
}
async function loop() {
  while (!stopped) {
    const ok = await once();
    slowest = Math.max(slowest, performance.now() - pendingSince);
    pendingSince = undefined;
    samples += 1;
    if (!ok) failures += 1;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  agent.destroy();
  parentPort.close();
}
parentPort.on('message', (message) => {
  if (message === 'stop') { stopped = true; return; }
  const open = pendingSince === undefined ? 0 : performance.now() - pendingSince;
  parentPort.postMessage({ slowestMs: Math.max(slowest, open), samples, failures });
  slowest = 0; samples = 0; failures = 0;
});
loop();
`;

/** What the probe saw since the previous report. */
export interface ProbeReport {
  /** The slowest `/health/live` answer (or the age of one still unanswered), in ms. */
  readonly slowestMs: number;
  readonly samples: number;
  /** Probes that got no 200. */
  readonly failures: number;
}

/**
 * Probes `GET {baseUrl}/health/live` continuously from a worker thread while the fuzz runs: a call that
 * blocks the server's event loop shows up as one slow probe.
 *
 * @example
 * const probe = EventLoopProbe.start(server.url);
 * // ... hostile calls ...
 * expect((await probe.report()).slowestMs).toBeLessThan(2000);
 * await probe.stop();
 */
export class EventLoopProbe {
  private constructor(private readonly worker: Worker) {}

  static start(baseUrl: string): EventLoopProbe {
    return new EventLoopProbe(new Worker(PROBE_SOURCE, { eval: true, workerData: { url: `${baseUrl}/health/live` } }));
  }

  /** The slowest probe since the last report, then starts over. */
  report(): Promise<ProbeReport> {
    return new Promise((resolve) => {
      this.worker.once('message', (report: ProbeReport) => resolve(report));
      this.worker.postMessage('report');
    });
  }

  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await this.worker.terminate();
  }
}
