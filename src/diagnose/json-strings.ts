/**
 * Flattens a parsed JSON body into its string values, in document order, and notes the ones
 * that sit next to a PostgreSQL error code: `{"code": "42P01", "message": "…"}`.
 */

/** SQLSTATEs diagnose understands without knowing the message's wording. */
export const SQLSTATE_KINDS = { '42P01': 'missing-relation', '42703': 'missing-column' } as const;
export type KnownSqlstate = keyof typeof SQLSTATE_KINDS;

// `originalCode` / `originalMessage`: Prisma 7's driver-adapter error (meta.driverAdapterError.cause).
const CODE_KEYS = new Set(['code', 'sqlstate', 'sql_state', 'pgcode', 'pg_code', 'originalcode']);
const MESSAGE_KEYS = new Set([
  'message',
  'msg',
  'detail',
  'error',
  'errmsg',
  'error_message',
  'errormessage',
  'description',
  'reason',
  'originalmessage',
]);

export interface JsonStrings {
  readonly strings: string[];
  /** Index into `strings` of each message that has a known SQLSTATE beside it. */
  readonly coded: { readonly index: number; readonly sqlstate: KnownSqlstate }[];
}

function knownSqlstate(value: unknown): KnownSqlstate | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.trim().toUpperCase();
  return code in SQLSTATE_KINDS ? (code as KnownSqlstate) : undefined;
}

/**
 * A JSON log line may hold a whole JSON document as a string (`{"msg":"{\"error\":…}"}`): read
 * it as JSON too, so its codes and messages count as if written directly. Bounded in depth; each
 * level is shorter than the one holding it, so the work stays linear in the body's length.
 */
const MAX_EMBEDDED_DEPTH = 3;

function embeddedJson(value: string): unknown {
  const first = value.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/** Iterative (explicit stack): a hostile, deeply nested body cannot overflow the call stack. */
export function collectJsonStrings(root: unknown): JsonStrings {
  const strings: string[] = [];
  const coded: { index: number; sqlstate: KnownSqlstate }[] = [];
  const stack: { value: unknown; sqlstate?: KnownSqlstate | undefined; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, sqlstate, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const inner = depth < MAX_EMBEDDED_DEPTH ? embeddedJson(value) : undefined;
      if (inner !== undefined) {
        stack.push({ value: inner, depth: depth + 1 });
        continue;
      }
      if (sqlstate) coded.push({ index: strings.length, sqlstate });
      strings.push(value);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], depth });
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      let code: KnownSqlstate | undefined;
      for (const [key, v] of entries) if (CODE_KEYS.has(key.toLowerCase())) code ??= knownSqlstate(v);
      let messageTagged = false;
      const children = entries.map(([key, v]) => {
        const isMessage = code !== undefined && !messageTagged && typeof v === 'string' && MESSAGE_KEYS.has(key.toLowerCase());
        if (isMessage) messageTagged = true;
        return { value: v, sqlstate: isMessage ? code : undefined, depth };
      });
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
    }
  }
  return { strings, coded };
}
