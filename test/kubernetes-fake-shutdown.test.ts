// The hang behind "Promise resolution is still pending but the event loop has already resolved": with
// ttlSecondsAfterFinished 600, a test process using the fake Kubernetes API never ended. Each run had settled; the
// fake's Job controller armed a Job's 600 s TTL timer *after* the fake was stopped, when the kubelet reported a pod
// that ended during shutdown (or a moment after the sandbox had read its result). The test runs that in a process of
// its own and waits for the process to end by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./helpers/kubernetes-run-and-stop.ts', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const BOUND_MS = 45_000;

test('a run whose runner prints its result at once settles, and the process ends by itself once the fake stops (TTL 600 s)', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const ended = await new Promise<number | 'still running'>((resolve) => {
    const timer = setTimeout(() => resolve('still running'), BOUND_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  if (ended === 'still running') child.kill('SIGKILL');
  assert.equal(ended, 0, `the process ${ended === 'still running' ? `was still running after ${BOUND_MS / 1_000} s` : `exited with ${ended}`}:\n${output}`);
  const line = output.trim().split('\n').at(-1) ?? '';
  assert.deepEqual(JSON.parse(line), { role: 'reviewer', summary: 'key=yes cwd=true task=reviewer', jobsKept: 2 });
});
