/**
 * Bytes in, complete lines out. The trailing partial line is kept (as bytes, so a UTF-8 character
 * cut between two reads is never mangled) until its newline arrives. Splitting on 0x0A is safe in
 * UTF-8: that byte never occurs inside a multi-byte character.
 */
const NEWLINE = 0x0a;

export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** @param maxLineBytes a "line" longer than this (a writer that never ends its line) is cut and emitted. */
  constructor(private readonly maxLineBytes: number) {}

  /** The complete lines `chunk` finishes, without their line terminators. */
  push(chunk: Buffer): string[] {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
      lines.push(decodeLine(data.subarray(start, nl)));
      start = nl + 1;
    }
    // Copy: `data` may be a slice of a large read buffer we do not want to keep alive.
    this.pending = Buffer.from(data.subarray(start));
    if (this.pending.length > this.maxLineBytes) lines.push(...this.flush());
    return lines;
  }

  /**
   * Lines of a chunk read from the middle of a log (older bytes were skipped): the partial line
   * kept so far no longer continues into it, and its own first line is cut, so both are dropped.
   */
  pushAfterCut(chunk: Buffer): string[] {
    this.reset();
    const nl = chunk.indexOf(NEWLINE);
    return nl === -1 ? [] : this.push(chunk.subarray(nl + 1));
  }

  /** The partial line, as a line of its own (its file ended: rotated away or truncated). */
  flush(): string[] {
    if (this.pending.length === 0) return [];
    const line = decodeLine(this.pending);
    this.pending = Buffer.alloc(0);
    return [line];
  }

  /** Forget the partial line (what follows is not its continuation). */
  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}
