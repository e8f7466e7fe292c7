import { ApiError } from '../errors/api-error.js';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="punchclock"' };

export type AuthenticationFailure =
  | 'api_key_missing'
  | 'api_key_invalid'
  | 'api_key_revoked'
  | 'api_key_expired'
  | 'api_key_owner_inactive';

/** A 401 with the Bearer challenge (RFC 6750). */
export function unauthenticated(code: AuthenticationFailure, message: string): ApiError {
  return new ApiError(code, message, { headers: CHALLENGE });
}

/** Extracts the token of `Authorization: Bearer <token>`; never echoes the token in errors. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw unauthenticated(
      'api_key_missing',
      'No API key provided. Send it as "Authorization: Bearer <key>".',
    );
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw unauthenticated('api_key_invalid', 'The Authorization header must have the form "Bearer <key>".');
  }
  return match[1];
}
