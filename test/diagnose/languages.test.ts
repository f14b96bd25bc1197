/**
 * Every language PostgreSQL ships a catalog for: the REAL translated templates (from
 * catalog.generated.ts) are filled in with sample names the way the server would, and diagnose
 * must read them back, with the right language. Plus literal samples as they appear in the wild.
 */
import t from 'tap';
import { encodeHTML } from 'entities';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { MESSAGE_CATALOG } from '../../src/diagnose/catalog.generated.js';
import { TARGET_MESSAGES, type SlotRole } from '../../src/diagnose/message-ids.js';
import { MESSAGE_LANGUAGES } from '../../src/diagnose/patterns.js';
import type { Finding } from '../../src/diagnose/types.js';
import { formatPrintf } from './format-printf.js';

/** Sample argument sets per msgid: plain, mixed-case, with a space (quoted slots only). */
const SAMPLES: Record<string, Partial<Record<SlotRole, string>>[]> = {
  'relation "%s" does not exist': [{ name: 'user_profile_about_item' }, { name: 'UserProfile' }, { name: 'user profile' }],
  'relation "%s.%s" does not exist': [{ schema: 'public', name: 'user_profile_stream_config' }, { schema: 'Billing', name: 'InvoiceLine' }],
  'column "%s" does not exist': [{ column: 'left_at' }, { column: 'LeftAt' }],
  'column %s.%s does not exist': [{ table: 'teams_membership', column: 'left_at' }, { table: 'm', column: 'LeftAt' }],
  'column "%s" of relation "%s" does not exist': [{ column: 'left_at', table: 'teams_membership' }, { column: 'LeftAt', table: 'TeamsMembership' }],
  'function %s does not exist': [{ signature: 'uuid_generate_v4()' }, { signature: 'billing.Total(integer, character varying)' }, { signature: 'tags(text[], "Mood")' }],
  'procedure %s does not exist': [{ signature: 'archive_orders(integer)' }],
  'aggregate %s does not exist': [{ signature: 'median(numeric)' }],
  'type "%s" does not exist': [{ name: 'mood' }, { name: 'public.Mood' }, { name: 'ticket_state[]' }],
};

/** What the signature / type slot means once read: schema, name, argument types. */
function objectExpected(kind: 'missing-function' | 'missing-type', msgid: string, values: Partial<Record<SlotRole, string>>, language: string) {
  if (kind === 'missing-type') {
    const [a, b] = values.name!.replace(/\[\]$/, '').split('.');
    return b === undefined ? { kind, name: a, schema: undefined, language } : { kind, name: b, schema: a, language };
  }
  const signature = values.signature!;
  const open = signature.indexOf('(');
  const [a, b] = signature.slice(0, open).split('.');
  const routine = msgid.split(' ')[0];
  return { kind, name: b ?? a, schema: b === undefined ? undefined : a, args: signature.slice(open + 1, -1), routine, language };
}

function expected(kind: Finding['kind'], values: Partial<Record<SlotRole, string>>, language: string, msgid = '') {
  if (kind === 'missing-function' || kind === 'missing-type') return objectExpected(kind, msgid, values, language);
  return kind === 'missing-relation'
    ? { kind, name: values.name, schema: values.schema, language }
    : { kind, column: values.column, table: values.table, language };
}

/** Only the fields a caller acts on; `message` is checked separately. */
function essentials(f: Finding) {
  if (f.kind === 'missing-function') return { kind: f.kind, name: f.name, schema: f.schema, args: f.args, routine: f.routine, language: f.language };
  if (f.kind === 'missing-type') return { kind: f.kind, name: f.name, schema: f.schema, language: f.language };
  return f.kind === 'missing-relation'
    ? { kind: f.kind, name: f.name, schema: f.schema, language: f.language }
    : { kind: f.kind, column: f.column, table: f.table, language: f.language };
}

const catalogs: Record<string, Readonly<Record<string, string>>> = {
  en: Object.fromEntries(TARGET_MESSAGES.map((m) => [m.msgid, m.msgid])),
  ...MESSAGE_CATALOG,
};

t.test('the languages covered are English plus every catalog PostgreSQL 15 ships', async (t) => {
  t.same(MESSAGE_LANGUAGES, ['en', ...Object.keys(MESSAGE_CATALOG).sort()]);
  t.ok(MESSAGE_LANGUAGES.length >= 12, `languages: ${MESSAGE_LANGUAGES.join(', ')}`);
  for (const language of ['de', 'fr', 'es', 'ru', 'ja']) t.ok(MESSAGE_LANGUAGES.includes(language), language);
});

for (const language of Object.keys(catalogs)) {
  t.test(`${language}: each real template, filled in by the server's rules, is read back`, async (t) => {
    const messages = catalogs[language]!;
    for (const target of TARGET_MESSAGES) {
      const template = messages[target.msgid];
      if (template === undefined) {
        t.comment(`${language} has no translation of ${target.msgid} (the server prints English)`);
        continue;
      }
      for (const values of SAMPLES[target.msgid]!) {
        const message = formatPrintf(template, target.roles.map((role) => values[role]!));
        const want = expected(target.kind, values, language, target.msgid);
        // As psycopg2 / a server log prints it: severity prefix, then the LINE excerpt.
        const logged = `ERROR:  ${message}\nLINE 1: SELECT * FROM x\n                      ^`;
        const found = diagnose(logged);
        t.same(found.map(essentials), [want], `${language} text: ${message}`);
        t.equal(found[0]?.message, message, 'message is the matched sentence');
        // As Django's debug page shows it: every non-ASCII character as an entity.
        const html = `<pre class="exception_value">${encodeHTML(message)}\nLINE 1: ...</pre>`;
        t.same(diagnose(html, { contentType: 'text/html; charset=utf-8' }).map(essentials), [want], `${language} html: ${html}`);
      }
    }
  });
}

t.test('literal samples as they appear in real output', async (t) => {
  const cases: { text: string; want: ReturnType<typeof expected> }[] = [
    {
      text: 'FEHLER:  Relation »user_profile_about_item« existiert nicht\nZEILE 1: SELECT * FROM user_profile_about_item',
      want: expected('missing-relation', { name: 'user_profile_about_item' }, 'de'),
    },
    {
      // Non-breaking spaces inside the guillemets, as a browser copy or typographic tooling leaves them.
      text: "ERREUR:  la relation «\u00a0user_profile_about_item\u00a0» n'existe pas",
      want: expected('missing-relation', { name: 'user_profile_about_item' }, 'fr'),
    },
    {
      // Narrow no-break spaces and a typographic apostrophe.
      text: 'ERREUR:  la colonne «\u202fleft_at\u202f» n’existe pas',
      want: expected('missing-column', { column: 'left_at' }, 'fr'),
    },
    {
      text: 'ERROR:  no existe la relación «public.user_profile_stream_config»',
      want: expected('missing-relation', { schema: 'public', name: 'user_profile_stream_config' }, 'es'),
    },
    {
      text: 'ОШИБКА:  отношение "user_profile_about_item" не существует',
      want: expected('missing-relation', { name: 'user_profile_about_item' }, 'ru'),
    },
    {
      text: 'ОШИБКА:  столбец teams_membership.left_at не существует',
      want: expected('missing-column', { table: 'teams_membership', column: 'left_at' }, 'ru'),
    },
    {
      text: 'ERROR:  リレーション"user_profile_about_item"は存在しません',
      want: expected('missing-relation', { name: 'user_profile_about_item' }, 'ja'),
    },
    {
      text: 'ERROR:  リレーション"teams_membership"の列"left_at"は存在しません',
      want: expected('missing-column', { column: 'left_at', table: 'teams_membership' }, 'ja'),
    },
    {
      text: '오류:  teams_membership.left_at 칼럼 없음',
      want: expected('missing-column', { table: 'teams_membership', column: 'left_at' }, 'ko'),
    },
    {
      text: 'psycopg2.errors.UndefinedTable: FEHLER:  Relation »UserProfile« existiert nicht',
      want: expected('missing-relation', { name: 'UserProfile' }, 'de'),
    },
  ];
  for (const { text, want } of cases) t.same(diagnose(text).map(essentials), [want], text);
});

t.test('translated shadows are not findings: a constraint or a skipped DROP is not a missing table', async (t) => {
  t.same(diagnose('FEHLER:  Constraint »fk_x« von Relation »teams_membership« existiert nicht'), []);
  t.same(diagnose('HINWEIS:  Relation »user_profile_about_item« existiert nicht, wird übersprungen'), []);
  t.same(diagnose("NOTICE:  la relation « x » n'existe pas, poursuite du traitement"), []);
  t.same(diagnose('ERROR:  リレーション"teams_membership"の制約"fk_x"は存在しません'), []);
});
