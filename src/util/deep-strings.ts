/**
 * `fn` applied to every string inside a plain value (objects and arrays, 32 levels deep), sharing
 * structure: an object none of whose strings changed is returned as it is, not copied. The masker
 * and the terminal filter run over whole run results and every progress event; at 10,000
 * endpoints, copying every object on each pass cost more than the masking itself.
 *
 * `clean` remembers objects found unchanged, so a second pass over the same value (a result masked
 * where it is built and again where it is written) costs a lookup. The caller drops the set when
 * `fn` changes (the masker learns a new secret).
 */
export function mapStringsDeep<T>(value: T, fn: (text: string) => string, clean?: WeakSet<object>, depth = 0): T {
  if (typeof value === 'string') return fn(value) as T;
  if (depth > 32 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (clean?.has(value)) return value;
  if (value instanceof Error) {
    const message = fn(value.message);
    return (message === value.message ? value : new Error(message)) as T;
  }
  let copy: unknown;
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      // Numbers, booleans, null: nothing to map, and no call (a result holds ~10 per probe).
      if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
      const mapped = mapStringsDeep(item, fn, clean, depth + 1);
      if (mapped !== item) (items ??= value.slice())[i] = mapped;
    }
    copy = items;
  } else {
    const record = value as Record<string, unknown>;
    let fields: Record<string, unknown> | undefined;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (typeof item !== 'string' && (typeof item !== 'object' || item === null)) continue;
      const mapped = mapStringsDeep(item, fn, clean, depth + 1);
      if (mapped !== item) (fields ??= { ...record })[key] = mapped;
    }
    copy = fields;
  }
  if (copy === undefined) {
    clean?.add(value);
    return value;
  }
  return copy as T;
}
