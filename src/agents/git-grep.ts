import { spawn } from 'node:child_process';

export interface GrepOptions {
  cwd: string;
  /** Matches kept (the rest are only counted). */
  maxMatches: number;
  /** Characters kept of each match line. */
  maxLineChars: number;
  /** Past this many matches counting stops and git is stopped. */
  maxCounted: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface GrepResult {
  matches: string[];
  /** Matches found (at most maxCounted). */
  count: number;
  /** True when counting stopped at maxCounted. */
  more: boolean;
}

/**
 * `git grep -n -I --fixed-strings`, read as a stream: the first `maxMatches` lines are kept (cut to `maxLineChars`),
 * the rest counted, and git is stopped at `maxCounted`, so a match on a 50 MB line or a million matches cost
 * bounded memory. Exit code 1 (no match) is an empty result.
 */
export async function gitGrep(pattern: string, scope: string, options: GrepOptions): Promise<GrepResult> {
  const child = spawn('git', ['grep', '-n', '-I', '--no-color', '--fixed-strings', '-e', pattern, '--', scope], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const matches: string[] = [];
  const lineBytes = options.maxLineChars * 4 + 4;
  let current: Buffer[] = [];
  let currentBytes = 0;
  let count = 0;
  let stopped = false;
  let stderr = '';
  const endLine = () => {
    count += 1;
    if (matches.length < options.maxMatches) matches.push(Buffer.concat(current).toString('utf8').slice(0, options.maxLineChars));
    current = [];
    currentBytes = 0;
    if (count >= options.maxCounted && !stopped) {
      stopped = true;
      child.kill('SIGTERM');
    }
  };
  const keep = (piece: Buffer) => {
    if (stopped || matches.length >= options.maxMatches || currentBytes >= lineBytes) return;
    const taken = piece.subarray(0, lineBytes - currentBytes);
    current.push(Buffer.from(taken));
    currentBytes += taken.length;
  };
  child.stdout.on('data', (chunk: Buffer) => {
    let from = 0;
    for (let newline = chunk.indexOf(10, from); newline >= 0 && !stopped; newline = chunk.indexOf(10, from)) {
      keep(chunk.subarray(from, newline));
      endLine();
      from = newline + 1;
    }
    if (!stopped) keep(chunk.subarray(from));
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 1_000) stderr += chunk.toString('utf8');
  });
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  if (stopped || exit.code === 0 || exit.code === 1) return { matches, count, more: stopped };
  if (exit.signal) throw new Error(`git grep was stopped (${exit.signal}) after ${options.timeoutMs / 1_000} s`);
  throw new Error(`git grep exited with code ${exit.code}: ${stderr.trim().slice(0, 300)}`);
}
