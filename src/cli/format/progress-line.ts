/** Where a progress line goes: stderr, or a test's stand-in with the same shape. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressLine {
  /** Replaces the line with `text` (cut to the terminal's width). */
  update(text: string): void;
  /** Clears the line, so that the answer that follows starts on a clean one. */
  done(): void;
}

/** Carriage return and "erase the whole line": the next text takes the line's place. */
const CLEAR = '\r\u001b[2K';

/**
 * One line of progress for a person at a terminal, rewritten in place on `stream` (stderr): nothing at all when
 * `enabled` is false (`--json`) or the stream is no terminal (a pipe, a log file, CI), so that output parsed by a
 * program never holds it.
 */
export function progressLine(stream: ProgressStream, enabled: boolean): ProgressLine {
  if (!enabled || stream.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(text) {
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`${CLEAR}${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      shown = true;
    },
    done() {
      if (shown) stream.write(CLEAR);
      shown = false;
    },
  };
}
