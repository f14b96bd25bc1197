/**
 * Ask the real Python what a generated file means: compile it, and read the RunSQL operations'
 * arguments back with `ast` (no Django needed). Python, not a regex, is the judge of escaping.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PYTHON = '/usr/bin/python3';

export interface RunSqlCall {
  readonly sql: string;
  readonly reverse_sql: string;
  readonly elidable: boolean;
}

export interface MigrationFacts {
  readonly dependencies: Array<[string, string]>;
  readonly operations: RunSqlCall[];
  /** Top-level statements of the module, by AST node type (comments are not nodes). */
  readonly topLevel: string[];
}

const READ_MIGRATION = `
import ast, json, sys
tree = ast.parse(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1])
facts = {'dependencies': [], 'operations': [], 'topLevel': [type(n).__name__ for n in tree.body]}
for node in ast.walk(tree):
    if isinstance(node, ast.Assign) and getattr(node.targets[0], 'id', None) == 'dependencies':
        facts['dependencies'] = [list(t) for t in ast.literal_eval(node.value)]
    if isinstance(node, ast.Call) and getattr(node.func, 'attr', None) == 'RunSQL':
        facts['operations'].append({k.arg: ast.literal_eval(k.value) for k in node.keywords})
print(json.dumps(facts))
`;

export async function readMigration(file: string): Promise<MigrationFacts> {
  const { stdout } = await run(PYTHON, ['-c', READ_MIGRATION, file]);
  return JSON.parse(stdout) as MigrationFacts;
}

/** `python3 -m py_compile`: throws with Python's message when the file is not valid Python. */
export async function pyCompile(file: string): Promise<void> {
  await run(PYTHON, ['-m', 'py_compile', file]);
}

/** Evaluate one Python expression (a literal) and return its value as JSON would carry it. */
export async function evalLiteral(source: string): Promise<unknown> {
  const script = 'import ast, json, sys\nprint(json.dumps(ast.literal_eval(sys.stdin.read())))';
  const child = run(PYTHON, ['-c', script], { env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
  child.child.stdin?.end(source);
  return JSON.parse((await child).stdout);
}

export async function djangoAvailable(): Promise<boolean> {
  return run(PYTHON, ['-c', 'import django']).then(
    () => true,
    () => false,
  );
}

const LOAD_WITH_DJANGO = `
import importlib.util, json, sys
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=[], DATABASES={})
django.setup()
from django.db import migrations
spec = importlib.util.spec_from_file_location('smoke_fix_repair', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
ops = module.Migration.operations
assert all(isinstance(o, migrations.RunSQL) for o in ops), ops
print(json.dumps([{'sql': o.sql, 'reverse_sql': o.reverse_sql, 'elidable': o.elidable} for o in ops]))
`;

/** Import the file with Django itself (only where Django is installed) and return its RunSQLs. */
export async function loadWithDjango(file: string): Promise<RunSqlCall[]> {
  const { stdout } = await run(PYTHON, ['-c', LOAD_WITH_DJANGO, file]);
  return JSON.parse(stdout) as RunSqlCall[];
}
