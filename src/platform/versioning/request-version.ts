import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import { isSupportedVersion, SUPPORTED_API_VERSIONS } from './versions.js';

export const API_VERSION_HEADER = 'x-api-version';

/** The version a request asks for in X-Api-Version, if any, validated (400 invalid_api_version otherwise). */
export function requestedVersion(request: FastifyRequest): string | undefined {
  const raw = request.headers[API_VERSION_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') return undefined;
  if (!isSupportedVersion(value.trim())) {
    throw new ApiError(
      'invalid_api_version',
      `Unknown API version "${value}". Supported versions: ${SUPPORTED_API_VERSIONS.join(', ')}.`,
      { param: 'X-Api-Version' },
    );
  }
  return value.trim();
}
