import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import { ToolInputError } from './confined-path.js';

/** The longest glob compiled (the tools' input schema says the same). */
export const MAX_GLOB_LENGTH = 200;

/**
 * picomatch's options for our globs: `*`, `**`, `?`, `[…]` and `{a,b}`; dot files match like any other (as
 * `git ls-files` would list them); no extglobs (`+(a|b)` is matched literally: they are the picomatch feature
 * most prone to catastrophic backtracking) and no `!` negation.
 */
function optionsFor(glob: string): picomatch.PicomatchOptions {
  // A pattern without `/` matches the file name at any depth (`*.ts`), like .gitignore.
  return { dot: true, noextglob: true, nonegate: true, basename: !glob.includes('/'), maxLength: MAX_GLOB_LENGTH };
}

/**
 * A glob as a predicate over `/`-separated relative paths, run on this thread: for trusted globs only (the
 * repository's settings). picomatch compiles to a backtracking regular expression, so a glob with many `*` can
 * take time polynomial in the path's length with a high degree; a glob from the model goes through `matchPaths`.
 */
export function globMatcher(glob: string): (path: string) => boolean {
  if (glob.length > MAX_GLOB_LENGTH) throw new ToolInputError(`the pattern is longer than ${MAX_GLOB_LENGTH} characters`);
  return picomatch(glob, optionsFor(glob));
}

export interface MatchOptions {
  /** The matching's wall-clock budget; past it the worker is terminated and the call refused. */
  timeoutMs: number;
  /** Stops after this many matches. */
  limit: number;
  signal?: AbortSignal;
}

// Plain JavaScript run by the worker (no TypeScript loader in there): compiles the glob once, answers the indexes of
// the matching paths. The worker gets no execArgv, so it starts without tsx and stays small.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const picomatch = require(workerData.picomatch);
const isMatch = picomatch(workerData.glob, workerData.options);
const matched = [];
for (let index = 0; index < workerData.paths.length && matched.length < workerData.limit; index++) {
  if (isMatch(workerData.paths[index])) matched.push(index);
}
parentPort.postMessage(matched);
`;
const PICOMATCH = createRequire(import.meta.url).resolve('picomatch');

/**
 * The paths (in order, at most `limit`) that an untrusted glob matches. The regular expression runs in a worker
 * thread, never on the caller's: a pattern that backtracks for minutes costs the event loop nothing, and at
 * `timeoutMs` (or on `signal`) the worker is terminated — V8 checks for termination inside a running regular
 * expression — and the call is refused with a ToolInputError the model can act on.
 */
export async function matchPaths(glob: string, paths: readonly string[], options: MatchOptions): Promise<string[]> {
  if (glob.length > MAX_GLOB_LENGTH) throw new ToolInputError(`the pattern is longer than ${MAX_GLOB_LENGTH} characters`);
  options.signal?.throwIfAborted();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    execArgv: [],
    env: {},
    stdout: true,
    stderr: true,
    workerData: { picomatch: PICOMATCH, glob, options: optionsFor(glob), paths, limit: options.limit },
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
  });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const indexes = await new Promise<number[]>((resolve, reject) => {
      const refuse = (message: string) => reject(new ToolInputError(message));
      timer = setTimeout(() => refuse(`the pattern took longer than ${options.timeoutMs / 1_000} s to match and was stopped: use a simpler pattern (fewer "*")`), options.timeoutMs);
      onAbort = () => reject(options.signal?.reason instanceof Error ? options.signal.reason : new ToolInputError('stopped'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (message: number[]) => resolve(message));
      worker.once('error', (error) => refuse(`the pattern could not be matched: ${error.message}`));
      worker.once('exit', (code) => refuse(`the pattern could not be matched (the matcher exited with code ${code})`));
    });
    return indexes.flatMap((index) => (paths[index] === undefined ? [] : [paths[index]]));
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    await worker.terminate();
  }
}
