const SECTION_START = Buffer.from('diff --git ');
/** A section's header (paths, modes, similarity) is short; past a limit, no more than this of it is kept. */
const MAX_HEADER_BYTES = 64 * 1024;

export interface DiffSectionLimits {
  /** Bytes of one file's section kept; a longer section keeps only its header. */
  maxFileBytes: number;
  /** Bytes of all kept sections; the sections past it keep only their header. */
  maxTotalBytes: number;
}

/** One file's section of a `git diff`: whole, or only its header when it was past a limit. */
export interface DiffSection {
  text: string;
  /** The section's size in bytes, as git wrote it. */
  bytes: number;
  /** Set when the section was past a limit: `text` is then only its header. */
  over?: 'file' | 'total';
}

/**
 * Splits a `git diff` read as a stream into its files' sections, holding bounded memory: at most `maxFileBytes`
 * of the line being read, and kept sections up to `maxTotalBytes` in all. A section starts at a line beginning
 * with `diff --git ` (inside a hunk every line starts with ' ', '+', '-', '\' or '@', so none can).
 */
export class DiffSectionSplitter {
  readonly sections: DiffSection[] = [];
  private kept = 0;
  private section: Buffer[] = [];
  private sectionBytes = 0;
  private over: DiffSection['over'];
  private inHunks = false;
  private line: Buffer[] = [];
  private lineKept = 0;
  private lineBytes = 0;

  constructor(private readonly limits: DiffSectionLimits) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (let newline = chunk.indexOf(10, from); newline >= 0; newline = chunk.indexOf(10, from)) {
      this.take(chunk.subarray(from, newline + 1));
      this.endLine();
      from = newline + 1;
    }
    if (from < chunk.length) this.take(chunk.subarray(from));
  }

  /** The last section, once git's output has ended; returns every section. */
  end(): DiffSection[] {
    if (this.lineBytes > 0) this.endLine();
    this.flush();
    return this.sections;
  }

  private take(piece: Buffer): void {
    this.lineBytes += piece.length;
    let rest = piece;
    while (rest.length > 0) {
      const room = this.lineLimit() - this.lineKept;
      if (room <= 0) return;
      const taken = rest.subarray(0, room);
      this.line.push(Buffer.from(taken));
      this.lineKept += taken.length;
      rest = rest.subarray(taken.length);
    }
  }

  /**
   * Bytes of the current line worth keeping: inside the hunks of a section past a limit, only enough to see whether
   * it starts the next section (then all of it); elsewhere, one more than a section may hold.
   */
  private lineLimit(): number {
    const whole = this.limits.maxFileBytes + 1;
    if (!this.over || !this.inHunks) return whole;
    if (this.lineKept < SECTION_START.length) return SECTION_START.length;
    return Buffer.concat(this.line).subarray(0, SECTION_START.length).equals(SECTION_START) ? whole : SECTION_START.length;
  }

  private endLine(): void {
    const line = Buffer.concat(this.line, this.lineKept);
    if (line.subarray(0, SECTION_START.length).equals(SECTION_START)) this.flush();
    this.sectionBytes += this.lineBytes;
    if (!this.over && this.sectionBytes > this.limits.maxFileBytes) this.over = 'file';
    if (!this.over && this.kept + this.sectionBytes > this.limits.maxTotalBytes) this.over = 'total';
    if (line[0] === 0x40) this.inHunks = true; // '@': the first hunk
    // Past a limit, the header (the lines before the first hunk) is still kept: it names the file.
    if (!this.over || (!this.inHunks && this.sectionBytes <= MAX_HEADER_BYTES)) this.section.push(line);
    this.line = [];
    this.lineKept = 0;
    this.lineBytes = 0;
  }

  private flush(): void {
    if (this.sectionBytes === 0) return;
    const whole = Buffer.concat(this.section);
    // A section past a limit keeps its header only: what it had kept of its hunks is dropped (decoded apart, so
    // that no slice of the dropped text stays referenced).
    const hunks = this.over ? whole.indexOf('\n@@ ') : -1;
    const text = whole.subarray(0, hunks >= 0 ? hunks + 1 : whole.length).toString('utf8');
    // A file over its own limit says so, even when the total limit had stopped it first.
    const over = this.over && this.sectionBytes > this.limits.maxFileBytes ? 'file' : this.over;
    this.sections.push({ text, bytes: this.sectionBytes, ...(over ? { over } : {}) });
    if (!this.over) this.kept += this.sectionBytes;
    this.section = [];
    this.sectionBytes = 0;
    this.over = undefined;
    this.inHunks = false;
  }
}
