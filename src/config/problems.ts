/**
 * Collects config problems (graphile-migrate style: gather every one, throw once) and turns YAML
 * source offsets into the 1-based `line:col` every problem carries.
 */
import type { LineCounter, Node } from 'yaml';
import type { ConfigProblem } from '../errors.js';

/** Where a key sits: `['endpoints', 2, 'auth']` prints as `endpoints[2].auth`. */
export type KeyPath = readonly (string | number)[];

export function formatPath(path: KeyPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (isPlainName(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/** Key names repeat (every endpoint has a `method`): each is tested once. */
const plainNames = new Map<string, boolean>();
function isPlainName(part: string): boolean {
  let plain = plainNames.get(part);
  if (plain === undefined) {
    plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(part);
    if (plainNames.size < 10_000) plainNames.set(part, plain);
  }
  return plain;
}

export class ProblemCollector {
  readonly problems: ConfigProblem[] = [];

  constructor(
    readonly file: string,
    private readonly lineCounter?: LineCounter,
  ) {}

  /** A problem at a source offset (0 when the file has no content to point at). */
  atOffset(offset: number, path: KeyPath, message: string): void {
    const { line, col } = this.positionOf(offset);
    this.problems.push({ file: this.file, line, col, path: formatPath(path), message });
  }

  /** 1-based line and column of a source offset. */
  positionOf(offset: number): { line: number; col: number } {
    const pos = this.lineCounter?.linePos(offset) ?? { line: 1, col: 1 };
    // linePos reports line 0 for a file without any newline: that is line 1.
    return { line: Math.max(pos.line, 1), col: Math.max(pos.col, 1) };
  }

  atNode(node: Node | null | undefined, path: KeyPath, message: string): void {
    this.atOffset(node?.range?.[0] ?? 0, path, message);
  }

  get size(): number {
    return this.problems.length;
  }
}
