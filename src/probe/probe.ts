/**
 * One probe round: every endpoint once, at most `concurrency` at a time, results in endpoint
 * order. A failing target is data (a ProbeResult); only a refused login (`LoginFailedError`) or a
 * bug is thrown. Results never carry request headers, and secret values (passwords, tokens,
 * cookie values) are masked out of bodies, reasons and locations in case the app echoes them.
 */
import type { EndpointConfig } from '../config/types.js';
import { createMasker, type Masker } from '../util/secret-masker.js';
import { mapWithConcurrency } from './concurrency.js';
import { describeOutcome, isRedirect } from './outcome.js';
import { summariseRequests } from './request-ledger.js';
import { isoTime } from '../util/iso-time.js';
import type { Authorized, Exchange, HttpClient, LoginBlocked, ProbeResult, SessionManager } from './types.js';

export interface ProbeInput {
  readonly endpoints: readonly EndpointConfig[];
  readonly client: HttpClient;
  readonly sessions: SessionManager;
  /** Called as each endpoint finishes (live progress). */
  readonly onResult?: (result: ProbeResult) => void;
  /** Requests in flight at once; default `client.concurrency` (`http.concurrency`). */
  readonly concurrency?: number;
  /**
   * Whose bodies the results keep: `failing` (the default: the cascade only diagnoses failing
   * pages, and 10,000 passing pages of 1 MiB would be 10 GB) or `all` (a caller that reads what a
   * passing page says, e.g. that it greets the logged-in user).
   */
  readonly keepBodies?: 'failing' | 'all';
  /** The run's masker; it learns the sessions' secrets (cookies received) as they appear. */
  readonly masker?: Masker | undefined;
}

const ANONYMOUS: Authorized = { kind: 'ready', headers: {}, generation: 0 };

function concat(a: Exchange, b: Exchange): Exchange {
  return { response: b.response, attempts: [...a.attempts, ...b.attempts], failure: b.failure, durationMs: a.durationMs + b.durationMs };
}

/** Probes every endpoint once. Each call is one round: a session logs in again at most once per call. */
export async function probeEndpoints(input: ProbeInput): Promise<ProbeResult[]> {
  input.sessions.beginRound();
  return mapWithConcurrency({
    items: input.endpoints,
    limit: input.concurrency ?? input.client.concurrency,
    fn: async (endpoint) => {
      const result = await probeOne(endpoint, input);
      input.onResult?.(result);
      return result;
    },
  });
}

async function probeOne(endpoint: EndpointConfig, input: ProbeInput): Promise<ProbeResult> {
  const { client, sessions } = input;
  const startedAt = isoTime();
  const session = sessions.session(endpoint.auth);
  const send = (auth: Authorized) =>
    client.sendWithRetries({
      method: endpoint.method,
      path: endpoint.path,
      headers: { ...endpoint.headers, ...auth.headers },
      body: endpoint.body,
      cookieJar: auth.cookieJar,
      // A passing page is not read unless a check reads it (GraphQL errors) or the caller keeps it.
      discardBody: (status: number) =>
        endpoint.expect.includes(status) && !endpoint.graphql && endpoint.expectNoErrors === undefined && input.keepBodies !== 'all',
      purpose: { kind: 'endpoint', endpoint: endpoint.name },
    });

  const auth = session ? await session.authorize({ method: endpoint.method }) : ANONYMOUS;
  if (auth.kind === 'blocked') return finish({ endpoint, input, startedAt, blocked: auth });

  let exchange = await send(auth);
  let renewed = false;
  const first = exchange.response;
  // A session that expired mid-run: log in again (once per round per profile) and retry.
  if (session && first && isRedirect(first.status) && !endpoint.expect.includes(first.status) && first.location && session.isLoginPage(first.location)) {
    const again = await session.renew({ method: endpoint.method, generation: auth.generation });
    if (again?.kind === 'blocked') {
      return finish({ endpoint, input, startedAt, blocked: { ...again, exchange: concat(exchange, again.exchange) } });
    }
    if (again) {
      renewed = true;
      exchange = concat(exchange, await send(again));
    }
  }
  return finish({ endpoint, input, startedAt, exchange, renewed });
}

async function finish(args: {
  endpoint: EndpointConfig;
  input: ProbeInput;
  startedAt: string;
  exchange?: Exchange;
  blocked?: LoginBlocked;
  renewed?: boolean;
}): Promise<ProbeResult> {
  const { endpoint, input } = args;
  const exchange = (args.blocked?.exchange ?? args.exchange) as Exchange;
  const response = exchange.response;
  const status = response?.status ?? null;
  const location = response?.location;
  const body = response?.body ?? '';
  const outcome = describeOutcome({
    expected: endpoint.expect,
    status,
    location,
    body,
    failure: exchange.failure,
    attempts: exchange.attempts.length,
    profile: endpoint.auth,
    loginPageOf: location ? input.sessions.loginPageOwner(location) : undefined,
    renewed: args.renewed,
    jsonChecks: { graphql: endpoint.graphql, expectNoErrors: endpoint.expectNoErrors },
    bodyTruncated: response?.bodyTruncated,
  });
  // When the login was blocked the endpoint itself was not requested: the login page's answer
  // stands in for it.
  const ok = args.blocked ? false : outcome.ok;
  const reason = args.blocked ? args.blocked.reason : outcome.reason;
  const requests = summariseRequests(input.client.ledger, exchange.attempts.map((a) => a.requestId));
  const masker = input.masker ?? createMasker();
  masker.add(await input.sessions.secrets());
  // Masked whole, here, while the next requests are in flight: the masker then knows this
  // result's lists as clean, and masking the run's result at the end skips them.
  return masker.maskDeep<ProbeResult>({
    endpoint: endpoint.name,
    method: endpoint.method,
    path: endpoint.path,
    auth: endpoint.auth,
    status,
    expected: endpoint.expect,
    ok,
    reason,
    location,
    startedAt: args.startedAt,
    endedAt: requests.at(-1)?.endedAt,
    durationMs: exchange.durationMs,
    requests,
    attempts: exchange.attempts,
    body: ok && input.keepBodies !== 'all' ? '' : body,
    bodyTruncated: response?.bodyTruncated ?? false,
    contentType: response?.contentType,
    failure: exchange.failure,
  });
}
