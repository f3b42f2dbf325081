import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Another live process holds the embedded audit database (PGlite serves one process: two would corrupt it). */
export class AuditStoreBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the embedded audit store ${dir} is open in another forgebot process (pid ${pid}); stop it, or set DATABASE_URL for a PostgreSQL audit trail that every process shares`);
    this.name = 'AuditStoreBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>.lock` for this process (its pid inside), taking over a lock whose process is gone; returns its release.
 * A lock of a live process is an AuditStoreBusyError.
 */
export function lockPGliteDir(dir: string): () => void {
  const path = `${dir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readFileSync(path, 'utf8') === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone: nothing to release
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && (holder === process.pid || alive(holder))) throw new AuditStoreBusyError(dir, holder);
      unlinkSync(path); // a stale lock (its process ended without releasing it): take it over
    }
  }
  throw new Error(`could not lock ${path}`);
}
