/** The login form's HTML, as Django's `LoginView` template renders it, and where it may send you next. */
import { escapeHtml } from '../html-escape.js';
import { maskSecret } from './csrf-token.js';
import type { DjangoUser } from './sessions.js';

/** `url_has_allowed_host_and_scheme` for the demo: a local absolute path only. */
export function safeNext(next: string | null | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : undefined;
}

export function loginForm(input: {
  path: string;
  secret: string;
  next?: string | undefined;
  username?: string;
  error?: string;
  user?: DjangoUser | null;
}): string {
  const error = input.error ? `<ul class="errorlist nonfield"><li>${escapeHtml(input.error)}</li></ul>\n` : '';
  const already = input.user ? `<p class="errornote">You are authenticated as ${escapeHtml(input.user.username)}.</p>\n` : '';
  const next = input.next ? `<input type="hidden" name="next" value="${escapeHtml(input.next)}">\n` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in</title></head>
<body>
<h1>Log in</h1>
${already}<form method="post" action="${escapeHtml(input.path)}">
<input type="hidden" name="csrfmiddlewaretoken" value="${maskSecret(input.secret)}">
${error}<p><label for="id_username">Username:</label> <input type="text" name="username" autofocus autocapitalize="none" autocomplete="username" maxlength="150" required id="id_username" value="${escapeHtml(input.username ?? '')}"></p>
<p><label for="id_password">Password:</label> <input type="password" name="password" autocomplete="current-password" required id="id_password"></p>
${next}<input type="submit" value="Log in">
</form>
</body></html>
`;
}
