/**
 * diagnose() throughput on 1 MiB bodies (see diagnose-bodies.ts), median of several runs, plus a
 * scaling check: the time for 1 MiB over the time for 256 KiB. A linear matcher gives about 4
 * whatever the machine; a quadratic one gives about 16, so that ratio catches the regression even
 * on a machine fast enough to hide it in MB/s. The ratio uses the fastest run of each size: other
 * work on the machine only ever adds time, so the minimum is the steadiest estimate of the cost.
 *
 *   node dist/test/bench/diagnose.bench.js
 */
import { diagnose } from '../../src/diagnose/diagnose.js';
import { BENCH_BODIES, describeFinding, type BenchBody } from './diagnose-bodies.js';
import { median, MIB, printTable, timeRuns, verdict, type Target } from './measure.js';

const RUNS = 9;
const SMALL = MIB / 4;

/**
 * Throughput each kind of body must reach (MiB/s). Measured on 2 cores: 30-60 for realistic
 * bodies, 7-13 for the slowest adversarial ones (README.md). The limits leave room for a slower
 * machine, while a quadratic matcher on 1 MiB runs at well under 1 MiB/s.
 */
const MIN_MIB_PER_S = { realistic: 20, adversarial: 4 } as const;
/** Linear ≈ 4, quadratic ≈ 16. */
const MAX_SCALING = 8;
/**
 * The 256 KiB body is timed once first: slower than this, the 1 MiB body would take over 2 s even
 * if diagnose were linear, so the body is reported as failed without running it (a quadratic
 * matcher needs minutes per megabyte; the benchmark should say so in seconds).
 */
const SMALL_BUDGET_MS = 500;

interface Measured {
  readonly body: BenchBody;
  readonly bytes: number;
  /** Median over the runs. */
  readonly ms: number;
  readonly smallMs: number;
  /** Fastest 1 MiB run over fastest 256 KiB run. */
  readonly scaling: number;
}

function check(body: BenchBody, text: string): void {
  const got = diagnose(text, { contentType: body.contentType }).map(describeFinding);
  if (JSON.stringify(got) !== JSON.stringify(body.expected)) {
    throw new Error(`${body.name}: diagnose found ${JSON.stringify(got)}, expected ${JSON.stringify(body.expected)}; a benchmark of wrong answers means nothing`);
  }
}

async function measure(body: BenchBody): Promise<Measured> {
  const text = body.build(MIB);
  const small = body.build(SMALL);
  // The first call on the small body both checks the answer and is timed against the budget.
  const [first] = await timeRuns({ runs: 1, warmup: 0, fn: () => check(body, small) });
  if (first! > SMALL_BUDGET_MS) {
    console.log(`${body.name}: one 256 KiB run took ${Math.round(first!)} ms (budget ${SMALL_BUDGET_MS} ms); 1 MiB not run`);
    return { body, bytes: Buffer.byteLength(text), ms: Infinity, smallMs: first!, scaling: Infinity };
  }
  check(body, text);
  const run = (t: string) => () => diagnose(t, { contentType: body.contentType });
  const times = await timeRuns({ runs: RUNS, warmup: 0, fn: run(text) });
  const smallTimes = await timeRuns({ runs: RUNS, warmup: 1, fn: run(small) });
  return {
    body,
    bytes: Buffer.byteLength(text),
    ms: median(times),
    smallMs: median(smallTimes),
    scaling: Math.min(...times) / Math.min(...smallTimes),
  };
}

const results: Measured[] = [];
for (const body of BENCH_BODIES) results.push(await measure(body));

console.log(`diagnose(): median of ${RUNS} runs per body, node ${process.version}\n`);
printTable(
  results.map((r) => ({
    body: r.body.name,
    'size (MiB)': r.bytes / MIB,
    'ms/body': r.ms,
    'MiB/s': r.bytes / MIB / (r.ms / 1000),
    'ms @256KiB': r.smallMs,
    'time x for 4x size': r.scaling,
    findings: String(r.body.expected.length),
  })),
);

for (const r of results) {
  if (r.body.scalingExempt) console.log(`\n${r.body.name}: time ratio shown but not a target: ${r.body.scalingExempt}`);
}

const targets: Target[] = results.flatMap((r) => [
  { name: `${r.body.name} throughput`, measured: r.bytes / MIB / (r.ms / 1000), unit: 'MiB/s', want: 'at-least' as const, limit: MIN_MIB_PER_S[r.body.kind] },
  ...(r.body.scalingExempt
    ? []
    : [{ name: `${r.body.name} time x for 4x size`, measured: r.scaling, unit: 'x', want: 'at-most' as const, limit: MAX_SCALING }]),
]);
process.exitCode = verdict(targets);
