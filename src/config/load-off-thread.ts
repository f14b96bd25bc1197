/**
 * `loadConfig` on a worker thread. Parsing and validating a 10,000-endpoint YAML file takes a
 * quarter of a second, and so does loading the modules of a run: on a second core the two overlap,
 * and the YAML's garbage stays out of the run's own heap. The result is the same frozen config
 * and the same one `InvalidConfigError` as `loadConfig`.
 */
import { Worker } from 'node:worker_threads';
import { InvalidConfigError } from '../errors.js';
import { deepFreeze } from '../util/deep-freeze.js';
// Types only: the parser and the key table load on the worker, not here.
import type { ConfigValidation } from './load.js';
import type { ResolvedConfig } from './types.js';

export function loadConfigOffThread(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedConfig> {
  return new Promise((resolve, reject) => {
    // `env` goes as data: a worker's own process.env would be a copy taken at its start anyway.
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: { file, env: { ...env } } });
    let answered = false;
    worker.once('message', ({ config, problems }: ConfigValidation) => {
      answered = true;
      if (config === undefined) reject(new InvalidConfigError(problems));
      else resolve(deepFreeze(config));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the config worker exited with code ${code} before answering`));
    });
  });
}
