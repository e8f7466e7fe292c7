import type { PropsWithChildren } from '@kitajs/html';
import type { PortalSession } from './session/service.js';

/** The sections of the navigation; a page names the one it belongs to. */
export type NavKey = 'api-keys' | 'api-logs' | 'webhooks' | 'settings' | 'team' | 'users';

interface NavItem {
  readonly key: NavKey;
  readonly href: string;
  readonly label: string;
  readonly adminOnly: boolean;
}

const NAV: readonly { readonly heading: string; readonly items: readonly NavItem[] }[] = [
  {
    heading: 'Developer API',
    items: [
      { key: 'api-keys', href: '/portal/developer/api-keys', label: 'API keys', adminOnly: true },
      { key: 'api-logs', href: '/portal/developer/api-logs', label: 'API logs', adminOnly: true },
      { key: 'webhooks', href: '/portal/developer/webhooks', label: 'Webhooks', adminOnly: true },
    ],
  },
  {
    heading: 'Account',
    items: [
      { key: 'settings', href: '/portal/settings', label: 'Settings', adminOnly: true },
      { key: 'team', href: '/portal/team', label: 'Team', adminOnly: false },
      { key: 'users', href: '/portal/team/users', label: 'Users', adminOnly: true },
    ],
  },
];

export function isAdministrator(session: PortalSession): boolean {
  return session.user.role === 'administrator';
}

/** The hidden field every state-changing form carries (checked by the portal's CSRF hook). */
export function CsrfField({ session }: { session: PortalSession }): JSX.Element {
  return <input type="hidden" name="_csrf" value={session.csrfToken} />;
}

function Navigation({
  session,
  active,
}: {
  session: PortalSession;
  active: NavKey | undefined;
}): JSX.Element {
  const admin = isAdministrator(session);
  return (
    <nav class="sidenav" aria-label="Portal">
      {NAV.map((group) => {
        const items = group.items.filter((item) => admin || !item.adminOnly);
        if (items.length === 0) return '';
        return (
          <>
            <h2 safe>{group.heading}</h2>
            {items.map((item) => (
              <a href={item.href} aria-current={item.key === active ? 'page' : undefined} safe>
                {item.label}
              </a>
            ))}
          </>
        );
      })}
    </nav>
  );
}

export interface LayoutProps {
  readonly title: string;
  /** Null on pages seen before signing in. */
  readonly session: PortalSession | null;
  readonly active?: NavKey | undefined;
}

/**
 * Every portal page. htmx and the portal's own script are served by this server (no CDN); htmx sends the CSRF token
 * as a header on every request it makes, forms carry it as a field.
 */
export function Layout({ title, session, active, children }: PropsWithChildren<LayoutProps>): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
          <title safe>{`${title} · Punchclock`}</title>
          {/* No favicon request: nothing to fetch, nothing to 404. */}
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href="/portal/assets/portal.css" />
          <script src="/portal/assets/htmx.min.js" defer></script>
          <script src="/portal/assets/portal.js" defer></script>
        </head>
        <body hx-headers={session ? JSON.stringify({ 'X-CSRF-Token': session.csrfToken }) : undefined}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="topbar">
            <a class="brand" href="/portal">
              Punchclock
            </a>
            {session ? (
              <div class="actions">
                <span class="account" safe>
                  {`${session.account.name} · ${session.user.email}`}
                </span>
                <a class="link-button" href="/portal/account/password">
                  Password
                </a>
                <form method="post" action="/portal/logout">
                  <CsrfField session={session} />
                  <button type="submit" class="link-button">
                    Sign out
                  </button>
                </form>
              </div>
            ) : (
              ''
            )}
          </header>
          {session ? (
            <div class="shell">
              <Navigation session={session} active={active} />
              <main id="main">{children}</main>
            </div>
          ) : (
            <main id="main">{children}</main>
          )}
        </body>
      </html>
    </>
  );
}
