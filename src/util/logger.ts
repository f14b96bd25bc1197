/**
 * Structured logs through pino (JSON lines). Secrets are removed twice: known key paths are redacted
 * by pino, and every string is scanned for the config's secret values (a password can hide inside
 * an error message), so a leak needs both layers to fail.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { createMasker, type Masker } from './secret-masker.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** File to append JSON lines to, `-` for stderr, or undefined for no log at all. */
  readonly destination?: string | undefined;
  readonly level?: 'debug' | 'info' | 'warn' | 'error' | undefined;
  readonly secrets?: readonly string[] | undefined;
  /** The run's masker (wins over `secrets`): it also learns cookies received during the run. */
  readonly masker?: Masker | undefined;
}

const REDACT_PATHS = [
  'password',
  'token',
  'cookie',
  'authorization',
  '*.password',
  '*.token',
  '*.cookie',
  '*.authorization',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
];

export function createLogger(options: LoggerOptions): Logger {
  if (!options.destination) return pino({ enabled: false });
  const masker = options.masker ?? createMasker(options.secrets ?? []);
  const stream =
    options.destination === '-'
      ? pino.destination({ fd: 2, sync: true })
      : (mkdirSync(dirname(options.destination), { recursive: true }),
        pino.destination({ dest: options.destination, append: true, sync: true }));
  return pino(
    {
      name: 'smoke-fix',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '***' },
      formatters: { log: (obj) => masker.maskDeep(obj) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? masker.mask(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    stream,
  );
}
