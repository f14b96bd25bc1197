/**
 * Sessions in `django_session`, with real SQL: who a request's `sessionid` belongs to, and the
 * session a login starts. `session_data` is plain JSON, not signed (a documented simplification).
 */
import type { IncomingMessage } from 'node:http';
import { parseCookies, SESSION_COOKIE } from './cookies.js';
import type { Query } from './query.js';
import { randomString } from './random-string.js';

export interface DjangoUser {
  readonly id: number;
  readonly username: string;
  readonly isSuperuser: boolean;
}

/** The logged-in user of the request, or null. Database errors are thrown (the page answers 500). */
export async function currentUser(query: Query, req: IncomingMessage): Promise<DjangoUser | null> {
  const key = parseCookies(req).get(SESSION_COOKIE);
  if (!key) return null;
  const session = await query('SELECT session_data FROM django_session WHERE session_key = $1 AND expire_date > now()', [key]);
  const data = session.rows[0]?.session_data as string | undefined;
  if (!data) return null;
  let userId: unknown;
  try {
    userId = (JSON.parse(data) as { _auth_user_id?: unknown })._auth_user_id;
  } catch {
    return null; // Django treats undecodable session data as an empty session
  }
  const user = await query('SELECT id, username, is_superuser FROM auth_user WHERE id = $1 AND is_active', [Number(userId)]);
  const row = user.rows[0] as { id: number; username: string; is_superuser: boolean } | undefined;
  return row ? { id: row.id, username: row.username, isSuperuser: row.is_superuser } : null;
}

/**
 * django.contrib.auth.login: a new session key (the old session is dropped) and last_login.
 * Returns the new key for the `sessionid` cookie.
 */
export async function startSession(
  query: Query,
  input: { readonly oldKey: string | undefined; readonly userId: number; readonly ageSeconds: number },
): Promise<string> {
  if (input.oldKey) await query('DELETE FROM django_session WHERE session_key = $1', [input.oldKey]);
  const key = randomString(32).toLowerCase();
  await query(
    "INSERT INTO django_session (session_key, session_data, expire_date) VALUES ($1, $2, now() + make_interval(secs => $3))",
    [key, JSON.stringify({ _auth_user_id: String(input.userId) }), input.ageSeconds],
  );
  await query('UPDATE auth_user SET last_login = now() WHERE id = $1', [input.userId]);
  return key;
}
