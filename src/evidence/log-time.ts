/**
 * The time a log record's first line starts with, when it carries one, as epoch ms. Formats:
 * ISO (`2026-11-30 04:55:01,123`, Python's asctime; `T` and a zone allowed), Apache/nginx CLF
 * (`[30/Nov/2026:04:55:01 +0000]`), Django runserver (`[30/Nov/2026 04:55:01]`), anywhere on the
 * first line for access logs (whose line starts with the client address).
 * A time without a zone is the machine's local time, as the app on the same machine writes it.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const ISO = /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,6}))?\s?(Z|UTC|GMT|[+-]\d{2}:?\d{2})?/;
const CLF = /\[(\d{1,2})\/([A-Z][a-z]{2})\/(\d{4})[: ](\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?\]/;

function build(parts: { y: number; mo: number; d: number; h: number; mi: number; s: number; ms: number }, zone: string | undefined): number | undefined {
  const { y, mo, d, h, mi, s, ms } = parts;
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  if (zone === undefined) return new Date(y, mo, d, h, mi, s, ms).getTime();
  const utc = Date.UTC(y, mo, d, h, mi, s, ms);
  if (zone === 'Z' || zone === 'UTC' || zone === 'GMT') return utc;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const offset = (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return m[1] === '+' ? utc - offset : utc + offset;
}

export function logLineTime(line: string): number | undefined {
  const iso = ISO.exec(line);
  if (iso) {
    const ms = iso[7] ? Math.floor(Number(iso[7].padEnd(3, '0').slice(0, 3))) : 0;
    return build({ y: +iso[1]!, mo: +iso[2]! - 1, d: +iso[3]!, h: +iso[4]!, mi: +iso[5]!, s: +iso[6]!, ms }, iso[8]);
  }
  const clf = CLF.exec(line.slice(0, 200));
  if (clf) {
    const mo = MONTHS.indexOf(clf[2]!);
    return build({ y: +clf[3]!, mo, d: +clf[1]!, h: +clf[4]!, mi: +clf[5]!, s: +clf[6]!, ms: 0 }, clf[7]);
  }
  return undefined;
}
