/** `${VAR}` unquoted in a YAML flow collection parses, with every column where it was. */
import t from 'tap';
import { parseDocument } from 'yaml';
import { maskReferences, unmaskReferences } from '../../src/config/references.js';

t.test('a reference inside { … } survives YAML and comes back unchanged', async (t) => {
  const source = 'auth: { type: bearer, token: ${API_TOKEN} }\nother: ${X:-a default}\n';
  t.ok(parseDocument(source).errors.length > 0, 'unmasked, the braces break the flow mapping');
  const masked = maskReferences(source);
  t.equal(masked.length, source.length, 'same length: line:col of every node stays exact');
  const doc = parseDocument(masked);
  t.same(doc.errors, []);
  t.equal(unmaskReferences(String(doc.getIn(['auth', 'token']))), '${API_TOKEN}');
  t.equal(unmaskReferences(String(doc.get('other'))), '${X:-a default}');
});

t.test('only references are masked: $${escaped} and other braces are left alone', async (t) => {
  t.equal(maskReferences('a: $${NOT_A_REF}'), 'a: $${NOT_A_REF}');
  t.equal(maskReferences('a: {b: c}'), 'a: {b: c}');
  t.equal(maskReferences('a: ${1BAD}'), 'a: ${1BAD}', 'not a variable name');
  t.equal(unmaskReferences('plain'), 'plain');
});
