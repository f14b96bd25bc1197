import t from 'tap';
import { csrfFailure, formErrors, inputValue } from '../../src/probe/django-pages.js';

t.test('the csrfmiddlewaretoken field is found whatever the attribute order and quoting', async (t) => {
  const shapes = [
    '<input type="hidden" name="csrfmiddlewaretoken" value="abc123">',
    "<input value='abc123' name='csrfmiddlewaretoken' type='hidden'>",
    '<INPUT name=csrfmiddlewaretoken type=hidden value=abc123 />',
    '<input\n  type="hidden"\n  value="abc123"\n  name="csrfmiddlewaretoken"\n>',
    '<input data-x="a>b" name="csrfmiddlewaretoken" value="abc123">',
  ];
  for (const html of shapes) t.equal(inputValue(`<form>${html}</form>`, 'csrfmiddlewaretoken'), 'abc123', html);
});

t.test('commented-out inputs, other fields and inputs outside any form are not taken', async (t) => {
  const html = '<form><!-- <input name="csrfmiddlewaretoken" value="old"> --><input name="csrfmiddlewaretoken_x" value="no"><input name="csrfmiddlewaretoken" value="a&amp;b"></form>';
  t.equal(inputValue(html, 'csrfmiddlewaretoken'), 'a&b');
  t.equal(inputValue('<p>no form</p>', 'csrfmiddlewaretoken'), undefined);
  // What a browser would submit: a field outside every form goes with none of them.
  t.equal(inputValue('<input name="csrfmiddlewaretoken" value="stray"><form><input name="csrfmiddlewaretoken" value="in"></form>', 'csrfmiddlewaretoken'), 'in');
});

t.test("Django's CSRF page: the headline and the reason (DEBUG) or the headline alone", async (t) => {
  const debug = `<div id="summary"><h1>Forbidden <span>(403)</span></h1>
  <p>CSRF verification failed. Request aborted.</p></div>
  <div id="info"><h2>Help</h2>
    <p>Reason given for failure:</p>
    <pre>
    CSRF token from the &#x27;X-Csrftoken&#x27; HTTP header incorrect.
    </pre>`;
  t.equal(
    csrfFailure(debug),
    "CSRF verification failed. Request aborted. Reason given for failure: CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
  );
  const production = '<h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p><p>You are seeing this message because this site requires a CSRF cookie when submitting forms.</p>';
  t.equal(csrfFailure(production), 'CSRF verification failed. Request aborted.');
  t.equal(csrfFailure('<h1>403 Forbidden</h1>'), undefined);
});

t.test('form errors of a re-rendered login form', async (t) => {
  const html = '<form><ul class="errorlist nonfield"><li>Please enter a correct username and password. Note that both fields may be case-sensitive.</li></ul></form>';
  t.equal(formErrors(html), 'Please enter a correct username and password. Note that both fields may be case-sensitive.');
  t.equal(formErrors('<p class="errornote">Please correct the error below.</p>'), 'Please correct the error below.');
  t.equal(formErrors('<form></form>'), undefined);
});
