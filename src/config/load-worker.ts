/**
 * The worker side of `loadConfigOffThread`: reads and validates one config file and posts back
 * what `validateConfigFile` returned (plain data: the config or the problems).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { validateConfigFile } from './load.js';

const { file, env } = workerData as { file: string; env: NodeJS.ProcessEnv };
parentPort!.postMessage(await validateConfigFile(file, env));
