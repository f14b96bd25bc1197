/**
 * Formats a PostgreSQL msgstr the way the server's printf does, with `%s`/`%d` taken in order or
 * by position (`%2$s`). Written independently of src/diagnose/printf-template.ts so the language
 * tests do not share the parser they are testing.
 */
export function formatPrintf(format: string, args: readonly string[]): string {
  let next = 0;
  return format.replace(/%(?:(\d+)\$)?([sd%])/g, (_all, position: string | undefined, conversion: string) => {
    if (conversion === '%') return '%';
    const index = position === undefined ? next++ : Number(position) - 1;
    const value = args[index];
    if (value === undefined) throw new Error(`format ${JSON.stringify(format)} needs argument ${index + 1}`);
    return value;
  });
}
