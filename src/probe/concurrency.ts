/**
 * `items.map(fn)` with at most `limit` calls running at once; results keep the input order.
 * (No concurrency library is installed; a fixed set of workers pulling the next index is all it
 * takes.) When one call throws, no new call starts, the running ones finish, and the first error
 * is thrown: nothing is left running behind the caller's back.
 */
export async function mapWithConcurrency<T, R>(input: {
  items: readonly T[];
  limit: number;
  fn: (item: T, index: number) => Promise<R>;
}): Promise<R[]> {
  const { items, fn } = input;
  const limit = Math.max(1, Math.min(input.limit, items.length));
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;

  async function worker(): Promise<void> {
    while (!failure && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  }

  await Promise.all(Array.from({ length: limit }, worker));
  if (failure) throw failure.error;
  return results;
}
