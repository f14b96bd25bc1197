/**
 * Which targets a shard runs. A target belongs to shard `hash(name) mod n`: its place depends on
 * its name and n alone, so adding or removing a target never moves another one, and n processes
 * (a Kubernetes Indexed Job with completions = parallelism = n) cover every target exactly once.
 * Changing n does reassign targets — as it must.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.js';

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** 0-based shard of a target name among `count` shards. */
export function shardIndexOf(name: string, count: number): number {
  return createHash('sha256').update(name, 'utf8').digest().readUInt32BE(0) % count;
}

export function inShard(name: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardIndexOf(name, shard.count) === shard.index - 1;
}

const positiveInt = (text: string): number | undefined => (/^\d{1,6}$/.test(text) && Number(text) >= 1 ? Number(text) : undefined);

/** `--shard i/n` (1-based) or `--shards n` with Kubernetes' 0-based JOB_COMPLETION_INDEX. */
export function shardFromArgs(args: { shard?: string | undefined; shards?: string | undefined }, env: NodeJS.ProcessEnv): Shard | undefined {
  if (args.shard !== undefined && args.shards !== undefined) throw new UsageError('--shard and --shards contradict each other; pick one.');
  if (args.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(args.shard);
    const index = m ? positiveInt(m[1]!) : undefined;
    const count = m ? positiveInt(m[2]!) : undefined;
    if (index === undefined || count === undefined || index > count) {
      throw new UsageError(`--shard takes i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 (got '${args.shard}').`);
    }
    return { index, count };
  }
  if (args.shards !== undefined) {
    const count = positiveInt(args.shards);
    if (count === undefined) throw new UsageError(`--shards takes the number of shards, e.g. --shards 4 (got '${args.shards}').`);
    const raw = env.JOB_COMPLETION_INDEX;
    if (raw === undefined || raw === '') {
      throw new UsageError('--shards reads the shard from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set; outside Kubernetes use --shard i/n.');
    }
    const zeroBased = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
    if (!(zeroBased < count)) throw new UsageError(`JOB_COMPLETION_INDEX must be 0 to ${count - 1} for --shards ${count} (got '${raw}').`);
    return { index: zeroBased + 1, count };
  }
  return undefined;
}
