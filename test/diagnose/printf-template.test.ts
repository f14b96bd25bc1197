import t from 'tap';
import { parsePrintfTemplate } from '../../src/diagnose/printf-template.js';
import { compilePattern } from '../../src/diagnose/patterns.js';

t.test('sequential and positional conversions become slots in text order', async (t) => {
  t.same(parsePrintfTemplate('relation "%s.%s" does not exist'), {
    literals: ['relation "', '.', '" does not exist'],
    slots: [
      { arg: 0, digits: false },
      { arg: 1, digits: false },
    ],
  });
  // Japanese puts the relation first: %2$s is argument 2 (0-based 1).
  t.same(parsePrintfTemplate('リレーション"%2$s"の列"%1$s"は存在しません').slots, [
    { arg: 1, digits: false },
    { arg: 0, digits: false },
  ]);
  t.same(parsePrintfTemplate('column %d of relation "%s"').slots, [
    { arg: 0, digits: true },
    { arg: 1, digits: false },
  ]);
  t.same(parsePrintfTemplate('100%% sure: %s'), { literals: ['100% sure: ', ''], slots: [{ arg: 0, digits: false }] });
});

t.test('a slot is bare unless a quote (past any spaces) encloses it', async (t) => {
  const bare = (msgstr: string) => compilePattern({ language: 'x', msgid: msgstr, msgstr, target: undefined })?.slots.map((s) => s.bare);
  t.same(bare('column %s.%s does not exist'), [true, true]);
  t.same(bare('relation "%s.%s" does not exist'), [false, false]);
  t.same(bare("la relation « %s » n'existe pas"), [false]);
  t.same(bare('სვეტი "%s" ურთიერთობაში %s არ არსებობს'), [false, true]);
  t.equal(compilePattern({ language: 'x', msgid: 'a', msgstr: '%s%s', target: undefined }), undefined, 'adjacent slots are refused');
});
