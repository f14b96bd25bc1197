/** Auth profiles that are just a header on every request: bearer, basic, header. No login, no cookies. */
import type { BasicAuth, BearerAuth, HeaderAuth } from '../config/types.js';
import type { AuthSession, Authorization } from './types.js';

export function headerSession(profile: string, auth: BearerAuth | BasicAuth | HeaderAuth): AuthSession {
  let header: Record<string, string>;
  let secrets: string[];
  switch (auth.type) {
    case 'bearer':
      header = { authorization: `Bearer ${auth.token}` };
      secrets = [auth.token];
      break;
    case 'basic': {
      const encoded = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
      header = { authorization: `Basic ${encoded}` };
      secrets = [auth.password, encoded];
      break;
    }
    case 'header':
      header = { [auth.name.toLowerCase()]: auth.value };
      secrets = [auth.value];
      break;
  }
  const ready: Authorization = { kind: 'ready', headers: Object.freeze(header), generation: 0 };
  return {
    profile,
    authorize: async () => ready,
    isLoginPage: () => false,
    renew: async () => undefined,
    beginRound: () => {},
    secrets: async () => secrets,
  };
}
