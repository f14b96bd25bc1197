/** `smoke-fix validate`: every problem of a config at once, each with file:line:col. */
import { validateConfigFile } from '../config/load.js';

export async function validateCommand(options: { file: string; json: boolean; env?: NodeJS.ProcessEnv }): Promise<number> {
  const { config, problems } = await validateConfigFile(options.file, options.env ?? process.env);
  if (options.json) {
    process.stdout.write(JSON.stringify({ valid: problems.length === 0, problems }, null, 2) + '\n');
  } else if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${options.file}:\n`);
    for (const p of problems) process.stderr.write(`  ${p.file}:${p.line}:${p.col} ${p.path ? p.path + ': ' : ''}${p.message}\n`);
  } else if (config && (config.targets || config.targetsFrom)) {
    // A fleet's top level may lack keys every target sets: describe the fleet instead.
    const named = config.targets?.length ?? 0;
    process.stdout.write(`${options.file}: valid — fleet of ${named} named target(s)${config.targetsFrom ? ' + one per row of targetsFrom.query' : ''}\n`);
  } else if (config) {
    process.stdout.write(
      `${options.file}: valid — ${config.endpoints.length} endpoint(s), ${Object.keys(config.auth).length} auth profile(s), ` +
        `${config.database.sourceSchemas.join(', ')} → ${config.database.targetSchema}, mode ${config.repair.mode}\n`,
    );
  }
  return problems.length === 0 ? 0 : 2;
}
