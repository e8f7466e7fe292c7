import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { Principal } from './principal.js';

/** The authenticated caller of a key-authenticated route (set by the /v1 auth hook before any handler runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('api_key_missing', 'No API key provided.');
  return request.principal;
}
