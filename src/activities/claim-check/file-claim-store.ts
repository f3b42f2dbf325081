import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ClaimRef } from '../../domain/claim-ref.js';
import type { ClaimCheckStore } from './claim-check-store.js';
import { checkRef, corruptSize, missing, refFor, verifyBody } from './content-address.js';

/** Where `make dev` keeps claims when CLAIM_STORE_DIR is unset. */
export const DEFAULT_CLAIM_DIR = '.forgebot/claims';

const TEMP_PREFIX = '.tmp-';

/**
 * The embedded store for `make dev` and a single machine: one file per claim, named by its key, mode 0600 in a
 * 0700 directory. A put writes a temporary file, syncs it and renames it over the key, so a reader sees the
 * whole old body or the whole new one, never a half-written file. A claim's age is its file's mtime.
 */
export function createFileClaimStore(dir: string = resolve(DEFAULT_CLAIM_DIR)): ClaimCheckStore {
  const root = resolve(dir);

  async function syncDirectory(): Promise<void> {
    const handle = await open(root, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    async put(kind, body) {
      const ref = refFor('file', kind, body);
      await mkdir(root, { recursive: true, mode: 0o700 });
      const temp = join(root, `${TEMP_PREFIX}${randomUUID()}`);
      try {
        const handle = await open(temp, 'wx', 0o600);
        try {
          await handle.writeFile(body);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // Same key, same bytes: a second put replaces the file with an identical one (and makes it young again).
        await rename(temp, join(root, ref.key));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await syncDirectory();
      return ref;
    },

    async get(input) {
      const ref = checkRef('file', input);
      const path = join(root, ref.key);
      let handle;
      try {
        handle = await open(path, 'r');
      } catch (error) {
        if (isNotFound(error)) throw missing(ref, error);
        throw error;
      }
      try {
        const { size } = await handle.stat();
        if (size !== ref.bytes) throw corruptSize(ref, size);
        return verifyBody(ref, await handle.readFile());
      } finally {
        await handle.close();
      }
    },

    async prune(olderThan) {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (error) {
        if (isNotFound(error)) return 0;
        throw error;
      }
      let removed = 0;
      for (const name of names) {
        const isClaim = ClaimRef.shape.key.safeParse(name).success;
        // Temporary files left by a crash mid-put go too, uncounted.
        if (!isClaim && !name.startsWith(TEMP_PREFIX)) continue;
        const path = join(root, name);
        try {
          if ((await stat(path)).mtime >= olderThan) continue;
          await rm(path);
          if (isClaim) removed += 1;
        } catch (error) {
          if (!isNotFound(error)) throw error; // pruned by someone else meanwhile
        }
      }
      return removed;
    },

    async close() {
      // Nothing is held open between calls.
    },
  };
}

function isNotFound(error: unknown): error is NodeJS.ErrnoException & Error {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}
