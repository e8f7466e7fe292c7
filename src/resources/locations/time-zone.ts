import { ApiError } from '../../platform/errors/api-error.js';
import { isValidTimeZone } from '../../shared/timezones.js';

/** 400 invalid_timezone for a name that is not an IANA zone; absent and null pass (the caller has a default). */
export function assertTimeZone(timezone: string | null | undefined): void {
  if (timezone && !isValidTimeZone(timezone)) {
    throw new ApiError(
      'invalid_timezone',
      `"${timezone}" is not an IANA time zone (for example "America/Chicago").`,
      { param: 'timezone' },
    );
  }
}
