/** Terminal colour, off when NO_COLOR is set (https://no-color.org), when not a TTY, or under CI. */
export interface Style {
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function createStyle(enabled: boolean): Style {
  return enabled
    ? { green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) }
    : { green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
}

export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if ('NO_COLOR' in env && env.NO_COLOR !== '') return false;
  if (env.CI) return false;
  return Boolean(stream.isTTY);
}
