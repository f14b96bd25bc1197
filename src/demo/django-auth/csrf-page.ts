/** Django's 403 "CSRF verification failed" page (DEBUG=True wording), the reason in a <pre>. */
import type { ServerResponse } from 'node:http';
import { escapeHtml } from '../html-escape.js';

function csrfPage(reason: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta http-equiv="content-type" content="text/html; charset=utf-8">
  <meta name="robots" content="NONE,NOARCHIVE">
  <title>403 Forbidden</title>
</head>
<body>
<div id="summary">
  <h1>Forbidden <span>(403)</span></h1>
  <p>CSRF verification failed. Request aborted.</p>
</div>
<div id="info">
  <h2>Help</h2>
    <p>Reason given for failure:</p>
    <pre>
    ${escapeHtml(reason)}
    </pre>
  <p>In general, this can occur when there is a genuine Cross Site Request Forgery, or when
  <a href="https://docs.djangoproject.com/en/stable/ref/csrf/">Django’s CSRF mechanism</a> has not been used correctly.</p>
</div>
</body>
</html>
`;
}

export function sendCsrfFailure(res: ServerResponse, reason: string): void {
  res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' }).end(csrfPage(reason));
}
