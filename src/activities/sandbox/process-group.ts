import type { ChildProcess } from 'node:child_process';

/** Signals every process of the group led by `pid` (a child spawned `detached`); a group already gone is fine. */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Waits for the child to exit, kills what it left behind in its process group (which closes their copies of its
 * pipes), then waits — at most `closeWaitMs` — for its output streams to be read to the end.
 */
export async function waitForExit(child: ChildProcess, closeWaitMs: number): Promise<ChildExit> {
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exit = await new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  killProcessGroup(child.pid, 'SIGKILL');
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, closeWaitMs);
  });
  await Promise.race([closed, gaveUp]);
  clearTimeout(timer);
  child.stdout?.destroy();
  child.stderr?.destroy();
  return exit;
}

/** Calls `onLine` for each complete line of a text stream; a last line without a newline is passed on `flush`. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; flush(): void } {
  let partial = '';
  return {
    push(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > 64 * 1024) {
        onLine(partial);
        partial = '';
      }
      for (const line of lines) onLine(line);
    },
    flush() {
      if (partial) onLine(partial);
      partial = '';
    },
  };
}
