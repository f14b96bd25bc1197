/**
 * Groups an application log's lines into records: a line that starts a record (timestamp, log
 * level, access-log line, Django request-logger line, a fresh `Traceback`) opens one; every other
 * line (indented frames, `psycopg2.errors.UndefinedTable: ...`, `LINE 1: ...`, `^`, blank lines of
 * chained tracebacks) continues the current one. Pure: the state of the last record is passed in
 * and out, so a record whose continuation arrives in the next read keeps its request path.
 */

export interface AppLogRecord {
  readonly text: string;
  readonly requestPath?: string | undefined;
}

/** What the grouping remembers about the record that was open when the previous lines ended. */
export interface AppLogState {
  readonly requestPath?: string | undefined;
  /** The record already holds a traceback: a new `Traceback` line starts a new record... */
  readonly hasTraceback: boolean;
  /** ...unless Python announced a chained exception ("The above exception was the direct cause..."). */
  readonly chained: boolean;
  /** The record is an access-log line: a traceback after it belongs to another request. */
  readonly isAccessLine: boolean;
}

export const INITIAL_APP_LOG_STATE: AppLogState = { hasTraceback: false, chained: false, isAccessLine: false };

const TIMESTAMP_START = [
  /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/, // ISO: Python logging asctime, gunicorn error log
  /^\[?\d{1,2}\/[A-Z][a-z]{2}\/\d{4}[: ]\d{2}:\d{2}/, // 10/Oct/2024:13:55:36 (Django runserver, CLF)
  /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} /, // syslog: Oct  3 13:55:36
];
// `ERROR django.request: ...`, `ERROR:django.request:...` (basicConfig), `[ERROR] ...`, `INFO:     ...` (uvicorn).
const LEVEL_START = /^\[?(?:CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTICE|TRACE)\]?(?:[:\s]|$)/;
// Common/combined log format (nginx, Apache, gunicorn access log): `1.2.3.4 - - [date] "GET /x HTTP/1.1" 500 ...`
const ACCESS_LINE = /^\S+ \S+ \S+ \[[^\]]+\] "[A-Z]+ \S+(?: HTTP\/[\d.]+)?" \d{3}\b/;
const JSON_START = /^\{"/;
// Django's request logger (`django.request`, `django.server`): "<reason phrase>: <request.path>".
const REASON =
  '(?:Internal Server Error|Service Unavailable|Bad Gateway|Gateway Timeout|Not Found|Bad Request|Forbidden|Unauthorized|Method Not Allowed(?: \\([A-Z]+\\))?)';
// A request path is read only from a record's header position (timestamp, pid, level, logger, then
// the phrase): a visitor's words logged mid-line ("searched for Internal Server Error: /users")
// must not make a record look like one about smoke-fix's request.
const HEADER =
  '^(?:\\[?\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(?:[.,]\\d+)?(?: ?(?:Z|UTC|[+-]\\d{2}:?\\d{2}))?\\]?\\s+)?' +
  '(?:\\[\\d+\\]\\s+)?(?:\\[?(?:CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTICE)\\]?[:\\s]\\s*)?(?:django\\.(?:request|server)[:\\s]\\s*)?';
const DJANGO_REQUEST = new RegExp(`${HEADER}${REASON}: (\\/\\S*)`);
/** The message alone, as a line of its own (`format: %(message)s`). */
const DJANGO_REQUEST_START = new RegExp(`^${REASON}: \\/`);
const GUNICORN_REQUEST = new RegExp(`${HEADER}Error handling request (\\/\\S*)`);
// The request line of an access log: CLF/combined, Django runserver (`[date] "GET ..."`), uvicorn,
// and Django's `django.server` logger (`INFO django.server: "GET ..."`).
const REQUEST_LINE = new RegExp(
  `(?:^(?:\\S+ \\S+ \\S+ \\[[^\\]]+\\] |\\[[^\\]]+\\] |INFO:\\s+\\S+ - )|${HEADER})"(?:GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\\/\\S*)(?: HTTP\\/[\\d.]+)?"`,
);
const TRACEBACK = /^Traceback \(most recent call last\):/;
const CHAIN =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)/;

/** The request path a record's first line names, if any. */
export function requestPathOf(line: string): string | undefined {
  return (DJANGO_REQUEST.exec(line) ?? GUNICORN_REQUEST.exec(line) ?? REQUEST_LINE.exec(line))?.[1];
}

function startsRecord(line: string): boolean {
  return (
    TIMESTAMP_START.some((re) => re.test(line)) ||
    LEVEL_START.test(line) ||
    ACCESS_LINE.test(line) ||
    JSON_START.test(line) ||
    DJANGO_REQUEST_START.test(line)
  );
}

/**
 * Records of `lines`, continuing the record described by `state` (its first lines were returned
 * by an earlier call; continuation lines at the top of `lines` form a record of their own that
 * inherits its request path).
 */
export function groupAppLogLines(
  lines: readonly string[],
  state: AppLogState = INITIAL_APP_LOG_STATE,
): { records: AppLogRecord[]; state: AppLogState } {
  const records: AppLogRecord[] = [];
  let current: string[] = [];
  let s = state;
  const close = () => {
    while (current.length && current[current.length - 1]!.trim() === '') current.pop();
    if (current.length) records.push({ text: current.join('\n'), requestPath: s.requestPath });
    current = [];
  };
  const open = (line: string, next: AppLogState) => {
    close();
    s = next;
    current.push(line);
  };
  for (const line of lines) {
    if (TRACEBACK.test(line)) {
      // logger.exception() writes its message line and then the traceback: one record. A traceback
      // after a complete one (or after an access line) is a record of its own.
      if (!s.isAccessLine && (!s.hasTraceback || s.chained)) {
        current.push(line);
        s = { ...s, hasTraceback: true, chained: false };
      } else {
        open(line, { hasTraceback: true, chained: false, isAccessLine: false });
      }
    } else if (startsRecord(line)) {
      open(line, {
        requestPath: requestPathOf(line),
        hasTraceback: false,
        chained: false,
        isAccessLine: ACCESS_LINE.test(line) || (REQUEST_LINE.test(line) && !DJANGO_REQUEST.test(line)),
      });
    } else {
      if (CHAIN.test(line)) s = { ...s, chained: true };
      if (current.length > 0 || line.trim() !== '') current.push(line);
    }
  }
  close();
  return { records, state: s };
}
