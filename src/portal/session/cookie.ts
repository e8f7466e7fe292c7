import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../../config.js';

export const SESSION_COOKIE = 'pc_session';

/** HttpOnly, SameSite=Lax, scoped to the portal; Secure whenever the portal is served over https. */
export function sessionCookieOptions(config: Config): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https://'),
    path: '/portal',
  };
}
