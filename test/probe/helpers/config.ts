/** Resolved-config pieces for probe tests, with the product's defaults and per-test overrides. */
import { DEFAULTS } from '../../../src/config/defaults.js';
import type { EndpointConfig, HttpConfig } from '../../../src/config/types.js';

export function httpConfig(overrides: Partial<HttpConfig> = {}): HttpConfig {
  // No retry window unless a test asks: tests that count attempts mean `retries` exactly.
  return { ...DEFAULTS.http, retryWindowMs: 0, ...overrides };
}

export function endpoint(overrides: Partial<EndpointConfig> & { path: string }): EndpointConfig {
  return {
    name: overrides.name ?? overrides.path,
    method: DEFAULTS.endpoint.method,
    expect: DEFAULTS.endpoint.expect,
    headers: DEFAULTS.endpoint.headers,
    ...overrides,
  };
}
