/** An error the portal shows as a page (or, for htmx requests, as a fragment) with its status. */
export class PortalError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 429,
    message: string,
    readonly title: string = PORTAL_ERROR_TITLES[status],
  ) {
    super(message);
    this.name = 'PortalError';
  }
}

export const PORTAL_ERROR_TITLES = {
  400: 'Something in the form needs fixing',
  403: 'Not available to you',
  404: 'Page not found',
  409: 'That cannot be done now',
  429: 'Too many attempts',
} as const;
