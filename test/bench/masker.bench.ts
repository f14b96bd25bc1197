/**
 * The masker is linear in text size, whatever the number of secrets: one Aho–Corasick pass.
 * Prints ns per char for 1 KiB … 4 MiB texts and 1 … 1000 secrets (each with ~12 spellings).
 * Run: npx tsc -p . && node dist/test/bench/masker.bench.js
 */
import { randomBytes } from 'node:crypto';
import { createMasker } from '../../src/util/secret-masker.js';
import { fmt, median, timeRuns } from './measure.js';

const KIB = 1024;
const rows: string[][] = [];
for (const secrets of [1, 10, 100, 1000]) {
  const values = Array.from({ length: secrets }, () => randomBytes(12).toString('base64'));
  const masker = createMasker(values);
  for (const size of [KIB, 64 * KIB, 1024 * KIB, 4096 * KIB]) {
    // A body with some secrets in it and a lot of text that almost matches (shared prefixes).
    const filler = values.map((v) => v.slice(0, 6) + ' ').join('').padEnd(4096, 'lorem ipsum ');
    let text = '';
    while (text.length < size) text += filler + values[text.length % values.length] + '\n';
    text = text.slice(0, size);
    const ms = median(await timeRuns({ runs: 5, fn: () => masker.mask(text) }));
    rows.push([String(secrets), String(masker.spellings), `${size / KIB} KiB`, fmt(ms), fmt((ms * 1e6) / size)]);
  }
}
console.log('secrets  spellings  text       ms      ns/char');
for (const r of rows) console.log(`${r[0]!.padEnd(8)} ${r[1]!.padEnd(10)} ${r[2]!.padEnd(10)} ${r[3]!.padEnd(7)} ${r[4]}`);
