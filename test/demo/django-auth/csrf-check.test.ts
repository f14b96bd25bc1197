/** CsrfViewMiddleware's decisions and reason texts, request by request (a request is its method and headers). */
import type { IncomingMessage } from 'node:http';
import t from 'tap';
import { csrfFailureReason } from '../../../src/demo/django-auth/csrf-check.js';
import { maskSecret, newSecret } from '../../../src/demo/django-auth/csrf-token.js';

const secret = newSecret();
const req = (method: string, headers: Record<string, string>) => ({ method, headers: { host: 'app.test', ...headers } }) as unknown as IncomingMessage;
const withCookie = (headers: Record<string, string> = {}) => ({ cookie: `csrftoken=${secret}`, ...headers });
const form = (token: string) => new URLSearchParams({ csrfmiddlewaretoken: token });

t.test('safe methods pass; a POST with the masked or the plain secret passes', async (t) => {
  t.equal(csrfFailureReason({}, req('GET', {})), null);
  t.equal(csrfFailureReason({}, req('POST', withCookie({ origin: 'http://app.test' })), form(maskSecret(secret))), null);
  t.equal(csrfFailureReason({}, req('POST', withCookie({ 'x-csrftoken': secret }))), null, 'the header, unmasked');
});

t.test('each failure with Django\'s reason', async (t) => {
  t.equal(
    csrfFailureReason({}, req('POST', withCookie({ origin: 'http://evil.test' })), form(secret)),
    'Origin checking failed - http://evil.test does not match any trusted origins.',
  );
  t.equal(csrfFailureReason({ trustedOrigins: ['http://evil.test'] }, req('POST', withCookie({ origin: 'http://evil.test' })), form(secret)), null, 'unless trusted');
  t.equal(
    csrfFailureReason({ isSecure: true }, req('POST', withCookie({ origin: 'http://app.test' })), form(secret)),
    'Origin checking failed - http://app.test does not match any trusted origins.',
    'behind TLS the app expects https',
  );
  t.equal(
    csrfFailureReason({}, req('POST', withCookie({ referer: 'http://evil.test/page' })), form(secret)),
    'Referer checking failed - http://evil.test/page does not match any trusted origins.',
  );
  t.equal(csrfFailureReason({}, req('POST', {}), form(secret)), 'CSRF cookie not set.');
  t.equal(csrfFailureReason({}, req('POST', withCookie())), 'CSRF token missing.');
  t.equal(csrfFailureReason({}, req('POST', withCookie()), form('abc')), 'CSRF token from POST has incorrect length.');
  t.equal(csrfFailureReason({}, req('POST', withCookie()), form('-'.repeat(32))), 'CSRF token from POST has invalid characters.');
  t.equal(csrfFailureReason({}, req('POST', withCookie()), form(maskSecret(newSecret()))), 'CSRF token from POST incorrect.');
  t.equal(csrfFailureReason({}, req('PUT', withCookie({ 'x-csrftoken': newSecret() }))), "CSRF token from the 'X-Csrftoken' HTTP header incorrect.");
});
