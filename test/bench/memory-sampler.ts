/**
 * Peak memory during a piece of work: process.memoryUsage() sampled on a timer, against a baseline
 * taken after a full garbage collection, so the growth is what the work itself held at its worst.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// `gc` is only exposed with --expose-gc; setting the flag at run time and fetching `gc` from a
// fresh context is the documented way to get it without asking the user for a node flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface MemoryFigures {
  /** Peak resident set size minus the baseline, bytes. */
  readonly rssGrowth: number;
  /** Peak of heapUsed + external (Buffers live outside the JS heap) minus the baseline, bytes. */
  readonly heapGrowth: number;
  /** heapUsed + external after the work and a full GC, minus the baseline: what the results keep. */
  readonly retainedAfter: number;
  readonly samples: number;
}

const heapOf = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;

/** Runs `work` while sampling memory every `intervalMs`; returns its result and the figures. */
export async function withMemorySampling<T>(options: { intervalMs: number; work: () => Promise<T> }): Promise<{ value: T; memory: MemoryFigures }> {
  gc();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = heapOf(base);
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, heapOf(m));
    samples++;
  };
  const timer = setInterval(sample, options.intervalMs);
  let value: T;
  try {
    value = await options.work();
  } finally {
    clearInterval(timer);
  }
  sample();
  gc();
  const after = process.memoryUsage();
  return {
    value,
    memory: { rssGrowth: peakRss - base.rss, heapGrowth: peakHeap - heapOf(base), retainedAfter: heapOf(after) - heapOf(base), samples },
  };
}
