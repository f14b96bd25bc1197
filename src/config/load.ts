/**
 * Reads a config file into a frozen `ResolvedConfig`: YAML (with positions) → `${VAR}` filled,
 * validated against the key table, defaults applied, relative paths resolved against the config
 * file's folder → cross-key rules. Every problem is collected; `loadConfig` throws them as ONE
 * `InvalidConfigError`, `validateConfigFile` returns them.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InvalidConfigError, type ConfigProblem } from '../errors.js';
import { checkAcrossKeys, type PartialConfig } from './checks.js';
import { checkFleet, relaxRequired } from './fleet-checks.js';
import { CONFIG_SPEC } from './config-spec.js';
import { ProblemCollector } from './problems.js';
import { maskReferences } from './references.js';
import { reportSyntaxErrors } from './syntax.js';
import type { ResolvedConfig } from './types.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { validateDocument } from './validate.js';

export interface ConfigValidation {
  /** Present exactly when `problems` is empty. */
  readonly config?: ResolvedConfig;
  /** Sorted by line, then column. */
  readonly problems: readonly ConfigProblem[];
}

/** Loads and checks a config file; throws one `InvalidConfigError` listing every problem. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  const { config, problems } = await validateConfigFile(file, env);
  if (config === undefined) throw new InvalidConfigError(problems);
  return config;
}

/** Like `loadConfig`, but returns the problems instead of throwing (for `smoke-fix validate`). */
export async function validateConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ConfigValidation> {
  const path = resolve(file);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : String(code ?? err);
    const problems = new ProblemCollector(path);
    problems.atOffset(0, [], `cannot read the config file (${why}): check the path given on the command line`);
    return { problems: problems.problems };
  }
  return validateConfigText(source, { file: path, env });
}

export interface ConfigTextOptions {
  /** Absolute path of the file the text came from: messages name it, relative paths resolve against its folder. */
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The pure core of `validateConfigFile`: YAML text in, config or problems out. */
export function validateConfigText(source: string, options: ConfigTextOptions): ConfigValidation {
  const lineCounter = new LineCounter();
  // prettyErrors off: its code frame would quote the source line, which may hold a password.
  const doc = parseDocument(maskReferences(source), { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems = new ProblemCollector(options.file, lineCounter);
  if (doc.errors.length > 0) {
    // Keys of a broken document are not trustworthy: report the syntax alone.
    reportSyntaxErrors(doc.errors, source, problems);
    return { problems: sorted(problems.problems) };
  }
  // A fleet of named targets may set `baseUrl`, `database`, `endpoints` per target only.
  const fleetOfTargets = doc.has('targets') && !doc.has('targetsFrom');
  const { value, offsets } = validateDocument(doc, fleetOfTargets ? relaxRequired(CONFIG_SPEC) : CONFIG_SPEC, {
    problems,
    source,
    env: options.env,
    baseDir: dirname(options.file),
  });
  if (value !== undefined) checkAcrossKeys(value as PartialConfig, { problems, offsets });
  if (value !== undefined) checkFleet(value, { problems, offsets, collector: () => new ProblemCollector(options.file, lineCounter) });
  if (value === undefined || problems.size > 0) return { problems: sorted(problems.problems) };
  // No problem anywhere: every key is present with its type, so the value is a complete config.
  const config = { file: options.file, ...value } as unknown as ResolvedConfig;
  return { config: deepFreeze(config), problems: [] };
}

function sorted(problems: readonly ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}
