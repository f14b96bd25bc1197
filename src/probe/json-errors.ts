/**
 * Pure: does a JSON body that came with an expected status still report errors? GraphQL servers
 * answer 200 with `{"data": null, "errors": [{"message": "relation \"x\" does not exist"}]}`; other
 * APIs put an error list under a path of their own. Such an answer is a failure, and since failing
 * bodies are kept and diagnosed, the messages in it are read for database errors.
 */

export interface JsonErrorChecks {
  /** A non-empty top-level `errors` array fails. */
  readonly graphql?: boolean | undefined;
  /** A dotted path whose value must be absent, null or an empty array. */
  readonly expectNoErrors?: string | undefined;
}

/** Characters of the first error message shown in the reason (the body itself is kept for diagnose). */
const MAX_SHOWN = 200;

/** The value at a dotted path (`data.result.errors`; a numeric key indexes an array), or undefined. */
export function valueAtPath(root: unknown, path: string): unknown {
  let value = root;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function shown(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_SHOWN ? line : line.slice(0, MAX_SHOWN - 1) + '…';
}

/** What the value says, in one line: the first error's `message` when it has one. */
function describeErrors(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  const message =
    typeof first === 'string'
      ? first
      : first !== null && typeof first === 'object' && typeof (first as { message?: unknown }).message === 'string'
        ? (first as { message: string }).message
        : JSON.stringify(first);
  const more = Array.isArray(value) && value.length > 1 ? ` (+${value.length - 1} more)` : '';
  return shown(message) + more;
}

function reports(value: unknown, options: { arraysOnly: boolean }): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return !options.arraysOnly && value !== undefined && value !== null;
}

/**
 * The reason the body fails its checks, or undefined when it passes (or no check is configured).
 * A body that is not JSON fails a configured check: the endpoint did not answer as declared.
 */
export function jsonErrorsReason(body: string, checks: JsonErrorChecks, truncated = false): string | undefined {
  if (!checks.graphql && checks.expectNoErrors === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    const why = truncated ? 'the body was cut at http.maxBodyBytes and is not valid JSON' : 'the body is not JSON';
    return `${checks.graphql ? 'graphql' : 'expectNoErrors'}: ${why}`;
  }
  if (checks.graphql) {
    const errors = valueAtPath(parsed, 'errors');
    if (reports(errors, { arraysOnly: true })) return `GraphQL errors: ${describeErrors(errors)}`;
  }
  if (checks.expectNoErrors !== undefined) {
    const value = valueAtPath(parsed, checks.expectNoErrors);
    if (reports(value, { arraysOnly: false })) return `${checks.expectNoErrors}: ${describeErrors(value)}`;
  }
  return undefined;
}
