// Cost of one rate-limit hit in @nestjs/throttler's in-memory storage (ThrottlerStorageService, our
// RATE_LIMIT_STORAGE=memory) as a function of how many hits the key already has in its window.
// The storage keeps one expiry timestamp per hit and, on every increment, filters the whole list into a
// new array: O(hits in the window) per request. At a sustained R requests/s per key with a 60 s window,
// the list holds 60 x R entries. Our guard calls it with blockDuration = ttl (the default); with
// blockDuration 0 the storage also spreads the list into Math.min(...) on every call.
//
//   node dist/bench/throttler-storage.js   (built by `npm run bench`, or `npx tsc -p bench/tsconfig.json`)
import { ThrottlerStorageService } from '@nestjs/throttler';

const TTL_MS = 60_000;
const LIMIT = 1_000_000_000;
const MEASURED = 2_000;

async function main(): Promise<void> {
  process.stdout.write('| hits in the 60 s window before the 2,000 measured increments | µs per increment, blockDuration = ttl (ours) | µs, blockDuration = 0 |\n|--:|--:|--:|\n');
  for (const prefilled of [0, 1_000, 10_000, 30_000, 60_000]) {
    const micros = [];
    for (const blockDuration of [TTL_MS, 0]) {
      const storage = new ThrottlerStorageService();
      for (let i = 0; i < prefilled; i++) await storage.increment('key', TTL_MS, LIMIT, blockDuration, 'default');
      const started = process.hrtime.bigint();
      for (let i = 0; i < MEASURED; i++) await storage.increment('key', TTL_MS, LIMIT, blockDuration, 'default');
      micros.push((Number(process.hrtime.bigint() - started) / 1e3 / MEASURED).toFixed(1));
      storage.onApplicationShutdown();
    }
    process.stdout.write(`| ${prefilled.toLocaleString('en-US')} | ${micros.join(' | ')} |\n`);
  }
  // With blockDuration 0, past ~125k hits in the window spreading the list into Math.min throws.
  try {
    Math.min(...new Array<number>(130_000).fill(0));
    process.stdout.write('\nMath.min(...130,000 values): ok\n');
  } catch (error) {
    process.stdout.write(`\nMath.min(...130,000 values) throws ${(error as Error).name}: ${(error as Error).message}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
