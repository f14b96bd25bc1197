/** Writes YAML text to a real file in the test's own fixture folder (removed after the test). */
import { join } from 'node:path';
import type { Test } from 'tap';

export function writeConfig(t: Test, yaml: string, name = 'smoke-fix.yaml'): string {
  const dir = t.testdir({ [name]: yaml });
  return join(dir, name);
}

/** The smallest valid config; cases add to it. */
export const MINIMAL = `baseUrl: http://127.0.0.1:8000
database:
  url: postgres://app@127.0.0.1:5432/app
endpoints:
  - /health
`;
