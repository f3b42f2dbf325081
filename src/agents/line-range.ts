import { open } from 'node:fs/promises';
import { ToolInputError } from './confined-path.js';

const CHUNK_BYTES = 64 * 1024;
/** A file with a NUL byte in its first 8,000 bytes is binary (git's rule). */
const BINARY_PROBE_BYTES = 8_000;

export interface LineRangeOptions {
  /** First line to keep (1-based). */
  start: number;
  /** Last line to keep. */
  end: number;
  /** Longer lines are cut to this many characters, with a note. */
  maxLineChars: number;
  /** Stop keeping lines once the kept lines (with their numbers) would pass this many characters. */
  maxChars: number;
  signal?: AbortSignal;
}

export interface LineRange {
  /** The kept lines, each `  NNN  text`, from `start` on. */
  numbered: string[];
  /** The number of lines in the file (a last line without a newline counts). */
  total: number;
}

const clip = (line: string, max: number) => (line.length > max ? `${line.slice(0, max)} … (line clipped)` : line);

/**
 * Lines `start`..`end` of a text file, read in chunks: only the kept lines are ever held (each cut to what can show
 * `maxLineChars` characters), so memory stays bounded whatever the file's size; the rest is only counted.
 */
export async function readLineRange(path: string, options: LineRangeOptions): Promise<LineRange> {
  const handle = await open(path, 'r');
  const numbered: string[] = [];
  // A UTF-8 character takes at most 4 bytes: this many bytes always hold the first maxLineChars characters.
  const lineBytes = options.maxLineChars * 4 + 4;
  let line = 1;
  let parts: Buffer[] = [];
  let partBytes = 0;
  let chars = 0;
  let full = false;
  let lastByte = -1;
  let position = 0;
  const keep = (piece: Buffer) => {
    if (full || line < options.start || line > options.end || partBytes >= lineBytes) return;
    const taken = piece.subarray(0, lineBytes - partBytes);
    parts.push(Buffer.from(taken));
    partBytes += taken.length;
  };
  const endLine = () => {
    if (!full && line >= options.start && line <= options.end) {
      const text = `${String(line).padStart(5)}  ${clip(Buffer.concat(parts).toString('utf8'), options.maxLineChars)}`;
      if (chars + text.length + 1 > options.maxChars && numbered.length > 0) full = true;
      else {
        numbered.push(text);
        chars += text.length + 1;
      }
    }
    parts = [];
    partBytes = 0;
    line += 1;
  };
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (position < BINARY_PROBE_BYTES && chunk.subarray(0, BINARY_PROBE_BYTES - position).includes(0)) throw new ToolInputError('binary file: not shown');
      position += bytesRead;
      lastByte = chunk[bytesRead - 1] ?? -1;
      let from = 0;
      for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
        keep(chunk.subarray(from, newline));
        endLine();
        from = newline + 1;
      }
      keep(chunk.subarray(from));
    }
    // The last line has no newline after it: it is a line all the same.
    if (position > 0 && lastByte !== 10) endLine();
    return { numbered, total: line - 1 };
  } finally {
    await handle.close();
  }
}
