/**
 * The fleet summary files, in the summary's own folder: report.md (a row per target, linking to
 * its run's report), junit.xml (a testsuite per target, the target's own), fleet.json (the
 * FleetResult, which `fleet-report` merges).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import type { FleetResult } from './result.js';

/** The summary folder's parent under report.dir; `_` cannot start a target's folder name. */
export const FLEET_FOLDER = '_fleet';

export const FLEET_FILES = { markdown: 'report.md', junit: 'junit.xml', json: 'fleet.json' } as const;

/** `<root>/_fleet/2026-11-30T05-10-00Z[-shard-2-of-4]`, claimed new (never shared by two runs). */
export async function claimSummaryFolder(root: string, startedAt: Date, suffix: string): Promise<string> {
  const parent = join(root, FLEET_FOLDER);
  await mkdir(parent, { recursive: true });
  const stamp = startedAt.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  for (let n = 1; n < 1000; n++) {
    const dir = join(parent, `${stamp}${suffix}${n === 1 ? '' : `-${n}`}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`cannot create a new fleet summary folder in ${parent}`);
}

/** Markdown table cells: no line breaks, no unescaped pipes. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/([\\|`*_[\]<>])/g, '\\$1');
}

const EXIT_WORDS: Record<number, string> = { 0: 'green', 1: 'failing', 2: 'config error', 3: 'environment error' };

export function renderFleetMarkdown(result: FleetResult): string {
  const counts = new Map<string, number>();
  for (const t of result.targets) counts.set(t.outcome, (counts.get(t.outcome) ?? 0) + 1);
  const scope = result.mergedShards
    ? `merged from ${result.mergedShards.length} shard summar${result.mergedShards.length === 1 ? 'y' : 'ies'}`
    : result.shard
      ? `shard ${result.shard.index} of ${result.shard.count}`
      : 'every target';
  const lines = [
    `# smoke-fix fleet: ${EXIT_WORDS[result.exitCode]} (exit ${result.exitCode})`,
    '',
    `${result.targets.length} target${result.targets.length === 1 ? '' : 's'} (${scope}), mode \`${result.mode}\`, ` +
      `${[...counts].map(([o, n]) => `${n} ${o}`).join(', ') || 'none'}; ` +
      `${result.targets.reduce((n, t) => n + t.repairsApplied, 0)} repairs applied. ` +
      `Started ${result.startedAt}, took ${(result.durationMs / 1000).toFixed(1)} s.`,
    '',
  ];
  for (const w of result.warnings) lines.push(`> **Warning:** ${cell(w)}`, '');
  lines.push('| target | outcome | exit | repairs applied | report |', '|---|---|---|---|---|');
  for (const t of result.targets) {
    const link = t.report ? `[report.md](${encodeURI(t.report)})` : '—';
    lines.push(`| ${cell(t.name)} | ${cell(t.outcome)} | ${t.exitCode} | ${t.repairsApplied} | ${link} |`);
  }
  const notGreen = result.targets.filter((t) => t.exitCode !== 0);
  if (notGreen.length > 0) {
    lines.push('', '## Not green', '');
    for (const t of notGreen) lines.push(`- **${cell(t.name)}** (${cell(t.outcome)}, exit ${t.exitCode}): ${cell(t.reason)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderFleetJunit(result: FleetResult): string {
  const suites = result.targets.map((t) => t.testsuite);
  const sum = (key: string) => suites.reduce((n, s) => n + Number(s[key] ?? 0), 0);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'smoke-fix fleet',
      '@_tests': sum('@_tests'),
      '@_failures': sum('@_failures'),
      '@_errors': sum('@_errors'),
      '@_time': (result.durationMs / 1000).toFixed(3),
      testsuite: suites,
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, suppressBooleanAttributes: false, suppressEmptyNode: true });
  return builder.build(doc) as string;
}

export async function writeFleetSummary(result: FleetResult, dir: string): Promise<void> {
  await writeFile(join(dir, FLEET_FILES.json), JSON.stringify(result, null, 2) + '\n', { flag: 'wx' });
  await writeFile(join(dir, FLEET_FILES.junit), renderFleetJunit(result), { flag: 'wx' });
  await writeFile(join(dir, FLEET_FILES.markdown), renderFleetMarkdown(result), { flag: 'wx' });
}
