/**
 * Keeps the head and the tail of a command's output and counts what falls in between, so that a long run costs
 * the model at most a fixed number of characters and it still sees how the command started and how it ended.
 */
export class OutputCap {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer = Buffer.alloc(0);
  private total = 0;

  constructor(
    private readonly headLimit: number,
    private readonly tailLimit: number,
  ) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const taken = rest.subarray(0, this.headLimit - this.headBytes);
      this.head.push(taken);
      this.headBytes += taken.length;
      rest = rest.subarray(taken.length);
    }
    if (rest.length === 0) return;
    const joined = Buffer.concat([this.tail, rest]);
    this.tail = joined.subarray(Math.max(0, joined.length - this.tailLimit));
  }

  /** The output as text; when its middle was cut, a line in its place says how many bytes. */
  text(): { text: string; truncated: boolean } {
    const head = Buffer.concat(this.head).toString('utf8');
    const cut = this.total - this.headBytes - this.tail.length;
    if (cut <= 0) return { text: head + this.tail.toString('utf8'), truncated: false };
    return { text: `${head}\n… [${cut} bytes of output cut here: only the first ${this.headLimit} and the last ${this.tailLimit} bytes are kept] …\n${this.tail.toString('utf8')}`, truncated: true };
  }
}
