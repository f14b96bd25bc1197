/**
 * The folders of src/ in layers, lowest first. A file may import from its own folder, from a lower
 * layer, and from another folder of its own layer as long as no two folders import each other
 * (directly or round a longer loop). Nothing imports upwards.
 *
 *   util, errors, version        dependency-free helpers (smoke-fix's own logger among them), the error family
 *   config                       the key table, loading and checking a config file
 *   diagnose                     text → findings (pure; knows no database)
 *   db, embedded                 the catalog: connect, locate, scan, lock; an embedded PostgreSQL
 *   logs, probe                  reading the target's logs; asking the target over HTTP
 *   evidence                     tying log records to the requests smoke-fix sent
 *   history                      what the migrations say the schema should be
 *   repair                       plan and apply a change, and the SQL for it
 *   result, counts               the run's result and its tallies
 *   cascade                      the loop: probe, diagnose, locate, plan, apply, again
 *   report                       the files written from a result
 *   migrations                   Django migration files recording a repair
 *   demo                         the bundled demo app
 *   fleet                        the pieces of a run over many targets
 *   commands                     one function per CLI command, wiring the layers below
 *   cli                          argument parsing and the terminal
 *
 * A root file of src/ (`src/result.ts`) counts as a folder of its own name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import t from 'tap';

const LAYERS: readonly (readonly string[])[] = [
  ['util', 'errors', 'version'],
  ['config'],
  ['diagnose'],
  ['db', 'embedded'],
  ['logs', 'probe'],
  ['evidence'],
  ['history'],
  ['repair'],
  ['result', 'counts'],
  ['cascade'],
  ['report'],
  ['migrations'],
  ['demo'],
  ['fleet'],
  ['commands'],
  ['cli'],
];

const SRC = join(process.cwd(), 'src');

interface Import {
  /** The importing file, relative to the repository (`src/db/scan.ts`). */
  readonly file: string;
  /** The specifier as written (`../repair/sql.js`). */
  readonly specifier: string;
  readonly from: string;
  readonly to: string;
}

/** `src/db/scan.ts` → `db`; `src/result.ts` → `result`. */
function folderOf(pathInSrc: string): string {
  const [first] = pathInSrc.split(sep);
  return first!.replace(/\.(ts|js)$/, '');
}

// Static `import … from`, `export … from`, side-effect `import '…'` and dynamic `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));

function crossFolderImports(): Import[] {
  const out: Import[] = [];
  for (const file of files) {
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const specifier = m[1]!;
      const target = relative(SRC, normalize(join(SRC, dirname(file), specifier)));
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) out.push({ file: join('src', file), specifier, from, to });
    }
  }
  return out;
}

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));
const imports = crossFolderImports();
const describe = (i: Import) => `${i.file} imports '${i.specifier}' (${i.from} → ${i.to})`;

t.test('the scan sees the imports between folders', async (t) => {
  // Guards the regex: a pattern that matched nothing would make every test below pass.
  t.ok(imports.some((i) => i.file === join('src', 'cli', 'main.ts') && i.to === 'commands'), 'cli/main.ts imports commands/');
});

t.test('every folder of src/ has a layer', async (t) => {
  const folders = [...new Set([...files.map(folderOf), ...imports.map((i) => i.to)])];
  const missing = folders.filter((f) => !layerOf.has(f)).sort();
  t.same(missing, [], `folders without a layer (add them to LAYERS): ${missing.join(', ')}`);
});

t.test('no import from a lower layer to a higher one', async (t) => {
  const upward = imports.filter((i) => (layerOf.get(i.from) ?? Infinity) < (layerOf.get(i.to) ?? -Infinity)).map(describe);
  t.same(upward, [], `imports that point up:\n${upward.join('\n')}`);
});

t.test('no cycle between folders', async (t) => {
  const edges = new Map<string, Map<string, Import>>();
  for (const i of imports) {
    const out = edges.get(i.from) ?? new Map<string, Import>();
    if (!out.has(i.to)) out.set(i.to, i);
    edges.set(i.from, out);
  }
  const cycles = stronglyConnected(edges)
    .filter((group) => group.length > 1)
    .map((group) => {
      const inside = group.flatMap((a) => [...(edges.get(a) ?? new Map<string, Import>()).values()].filter((i) => group.includes(i.to)));
      return `${group.join(' ↔ ')}:\n  ${inside.map(describe).join('\n  ')}`;
    });
  t.same(cycles, [], `folders that import each other:\n${cycles.join('\n')}`);
});

/** Tarjan's algorithm: the groups of folders that reach each other. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      groups.push(group.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return groups;
}
