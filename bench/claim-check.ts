// Claim-check store throughput and latency: put then get of 10 KB and 2 MB bodies, one at a time (as an agent
// activity does), on the file store (a temp directory) and the PostgreSQL store (a fresh schema, dropped after).
// Every put is a distinct body. Bounded: at most `maxOps` operations or `budgetMs` per phase. Prints; asserts nothing.
//   node --import tsx bench/claim-check.ts [budgetMs=1000]
// PostgreSQL: BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createFileClaimStore, createPostgresClaimStore, type ClaimCheckStore } from '../src/activities/claim-check/index.js';
import type { ClaimRef } from '../src/domain/claim-ref.js';

const budgetMs = Number(process.argv[2] ?? 1000);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const sizes = [
  { label: '10 KB', bytes: 10 * 1024, maxOps: 2000 },
  { label: '2 MB', bytes: 2 * 1024 * 1024, maxOps: 100 },
];

function percentile(sorted: number[], p: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN).toFixed(2);
}

function report(store: string, size: string, op: string, bytes: number, latencies: number[], elapsedMs: number): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  const perSecond = (latencies.length / elapsedMs) * 1000;
  console.log(
    `${store.padEnd(8)} ${size.padEnd(6)} ${op.padEnd(3)} n=${String(latencies.length).padStart(4)}  ` +
      `${perSecond.toFixed(0).padStart(5)} ops/s  ${((perSecond * bytes) / 1e6).toFixed(1).padStart(6)} MB/s  ` +
      `p50 ${percentile(sorted, 0.5)} ms  p99 ${percentile(sorted, 0.99)} ms`,
  );
}

/** Runs `op` until `count` operations or the time budget, whichever comes first; returns latencies in ms. */
async function timed(count: number, op: (index: number) => Promise<void>): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  for (let index = 0; index < count && performance.now() - start < budgetMs; index += 1) {
    const before = performance.now();
    await op(index);
    latencies.push(performance.now() - before);
  }
  return { latencies, elapsedMs: performance.now() - start };
}

async function bench(name: string, store: ClaimCheckStore): Promise<void> {
  await store.put('warm-up', randomBytes(16)); // the PostgreSQL store migrates on first use
  for (const size of sizes) {
    const base = randomBytes(size.bytes);
    const refs: ClaimRef[] = [];
    const puts = await timed(size.maxOps, async (index) => {
      const body = Buffer.from(base);
      body.writeUInt32BE(index, 0); // distinct content, distinct key
      refs.push(await store.put('bench', body));
    });
    report(name, size.label, 'put', size.bytes, puts.latencies, puts.elapsedMs);
    const gets = await timed(refs.length, async (index) => {
      const ref = refs[index];
      if (ref) await store.get(ref);
    });
    report(name, size.label, 'get', size.bytes, gets.latencies, gets.elapsedMs);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'forgebot-claim-bench-'));
const file = createFileClaimStore(dir);
try {
  await bench('file', file);
} finally {
  await file.close();
  await rm(dir, { recursive: true, force: true });
}

const schema = `claims_bench_${randomBytes(6).toString('hex')}`;
const postgres = createPostgresClaimStore({ connectionString: databaseUrl, schema });
const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3_000 });
try {
  await admin.connect();
  await bench('postgres', postgres);
} finally {
  await postgres.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch((error: unknown) => console.error(`could not drop ${schema}: ${String(error)}`));
  await admin.end();
}
