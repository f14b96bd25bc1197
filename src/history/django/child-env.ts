/**
 * The environment `manage.py` runs with: what a Python process needs to start (and to find a
 * virtualenv), plus the configured `env` — never the rest of smoke-fix's own environment, which
 * holds the config's `${VAR}` secrets (DATABASE_URL, passwords, tokens).
 */
const PASSED_THROUGH = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'VIRTUAL_ENV', 'PYTHONPATH'] as const;

export function childEnv(configured: Readonly<Record<string, string>>, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_THROUGH) if (parent[name] !== undefined) env[name] = parent[name];
  // Reading the history writes nothing, not even __pycache__ folders into the project.
  env['PYTHONDONTWRITEBYTECODE'] = '1';
  env['PYTHONIOENCODING'] = 'utf-8';
  env['PYTHONUNBUFFERED'] = '1';
  // Django walks some sets of names (a renamed model's foreign keys): a fixed hash seed makes two
  // reads of one history print their statements in one order.
  env['PYTHONHASHSEED'] = '0';
  return { ...env, ...configured };
}

/**
 * Passwords inside configured URLs (`DATABASE_URL: postgres://app:pw@db/app`): Django or libpq may
 * print the password alone, which masking the whole URL would miss.
 */
export function urlPasswordsOf(configured: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const value of Object.values(configured)) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([^@/]+)@/i.exec(value);
    if (!m?.[1]) continue;
    found.push(m[1]);
    try {
      found.push(decodeURIComponent(m[1]));
    } catch {
      // a malformed %-escape: only the raw form can be printed
    }
  }
  return found;
}
