/**
 * The named auth profiles of a run (`config.auth`), one `AuthSession` each, built by the factory
 * registered for the profile's `type`. A new kind of login is one more entry in `FACTORIES`.
 */
import type { AuthProfile } from '../config/types.js';
import { headerSession } from './header-auth.js';
import type { AuthSession, HttpClient, SessionManager } from './types.js';

type Factory<P extends AuthProfile> = (input: { profile: string; auth: P; client: HttpClient }) => AuthSession;

/**
 * Each kind's factory, loaded when a profile of that kind is configured: the login kinds bring an
 * HTML parser and a cookie jar (a twentieth of a run's start-up), which a run without a login never needs.
 */
const FACTORIES: { readonly [K in AuthProfile['type']]: () => Promise<Factory<Extract<AuthProfile, { type: K }>>> } = {
  bearer: async () => ({ profile, auth }) => headerSession(profile, auth),
  basic: async () => ({ profile, auth }) => headerSession(profile, auth),
  header: async () => ({ profile, auth }) => headerSession(profile, auth),
  'django-session': async () => (await import('./django-session.js')).djangoSession,
  form: async () => (await import('./form-session.js')).formSession,
};

async function build(profile: string, auth: AuthProfile, client: HttpClient): Promise<AuthSession> {
  const factory = (await FACTORIES[auth.type]()) as Factory<AuthProfile>;
  return factory({ profile, auth, client });
}

export async function createSessionManager(input: {
  auth: Readonly<Record<string, AuthProfile>>;
  client: HttpClient;
}): Promise<SessionManager> {
  const sessions = new Map<string, AuthSession>();
  for (const [name, auth] of Object.entries(input.auth)) sessions.set(name, await build(name, auth, input.client));

  return {
    beginRound() {
      for (const s of sessions.values()) s.beginRound();
    },
    session(profile) {
      if (profile === undefined) return undefined;
      const found = sessions.get(profile);
      // The config loader checks every endpoint's `auth` name, so this is a programming error.
      if (!found) throw new Error(`no auth profile named "${profile}" (known: ${[...sessions.keys()].join(', ') || 'none'})`);
      return found;
    },
    loginPageOwner(location) {
      for (const s of sessions.values()) if (s.isLoginPage(location)) return s.profile;
      return undefined;
    },
    async secrets() {
      // Asked after every request: a run without logins answers without building lists.
      if (sessions.size === 0) return [];
      const all = await Promise.all([...sessions.values()].map((s) => s.secrets()));
      // Longest first, so a secret that contains another is masked whole.
      return [...new Set(all.flat())].sort((a, b) => b.length - a.length);
    },
  };
}
