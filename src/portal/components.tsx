/**
 * Pieces every portal page uses, so the pages look alike and none repeats the markup of another. Small, generic,
 * and free of any one page's vocabulary.
 */
import type { PropsWithChildren } from '@kitajs/html';
import { CsrfField } from './layout.js';
import type { PortalSession } from './session/service.js';

/** The head of a page: its one <h1>, a subtitle, and the page's main actions on the right. */
export function PageHeader({
  title,
  subtitle,
  children,
}: PropsWithChildren<{ title: string; subtitle: string }>): JSX.Element {
  return (
    <div class="page-head">
      <div>
        <h1 safe>{title}</h1>
        <p class="subtitle" safe>
          {subtitle}
        </p>
      </div>
      <div class="actions">{children}</div>
    </div>
  );
}

/**
 * A modal dialog (opened by a button with data-open-dialog="id", closed by data-close-dialog or Escape). With
 * openOnLoad it opens as soon as the page or the htmx fragment carrying it arrives: for results shown once.
 */
export function Dialog({
  id,
  title,
  openOnLoad = false,
  children,
}: PropsWithChildren<{ id: string; title: string; openOnLoad?: boolean }>): JSX.Element {
  return (
    <dialog id={id} aria-labelledby={`${id}-title`} data-open-on-load={openOnLoad}>
      <div class="dialog-body">
        <div class="dialog-head">
          <h2 id={`${id}-title`} safe>
            {title}
          </h2>
          <button type="button" class="secondary small" data-close-dialog>
            Close
          </button>
        </div>
        {children}
      </div>
    </dialog>
  );
}

/**
 * One labelled input of a form, the label tied to the input by its id so that neither can drift from the other.
 * The children follow the input inside the field: its hint, a datalist.
 */
export function InputField({
  label,
  children,
  ...input
}: PropsWithChildren<{ label: string; id: string } & JSX.HtmlInputTag>): JSX.Element {
  return (
    <div class="field">
      <label for={input.id} safe>
        {label}
      </label>
      <input {...input} />
      {children}
    </div>
  );
}

/** Closes the dialog it sits in and does nothing else: every dialog that asks for a decision offers it. */
export function CancelButton(): JSX.Element {
  return (
    <button type="button" class="secondary" data-close-dialog>
      Cancel
    </button>
  );
}

/** The buttons at the foot of a dialog's form: Cancel, then the form's own (the children). */
export function DialogActions({ children }: PropsWithChildren): JSX.Element {
  return (
    <div class="dialog-actions">
      <CancelButton />
      {children}
    </div>
  );
}

/** The form that carries out what a dialog asks to confirm: the submit button (children) next to Cancel. */
export function ConfirmForm({
  action,
  session,
  children,
}: PropsWithChildren<{ action: string; session: PortalSession }>): JSX.Element {
  return (
    <form method="post" action={action} class="actions">
      <CsrfField session={session} />
      {children}
      <CancelButton />
    </form>
  );
}

export type AlertTone = 'ok' | 'warn' | 'error';

/** A message above a page or inside a form. Errors are announced as alerts, the rest politely. */
export function Alert({ tone, children }: PropsWithChildren<{ tone: AlertTone }>): JSX.Element {
  return (
    <div class={`alert ${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

/** The outcome of the last action on a page: a confirmation, an error, both or neither. */
export function Notices({
  notice,
  error,
}: {
  notice?: string | undefined;
  error?: string | undefined;
}): JSX.Element {
  return (
    <>
      {notice ? (
        <Alert tone="ok">
          <span safe>{notice}</span>
        </Alert>
      ) : (
        ''
      )}
      {error ? (
        <Alert tone="error">
          <span safe>{error}</span>
        </Alert>
      ) : (
        ''
      )}
    </>
  );
}

/**
 * A secret shown once (an API key, a webhook signing secret): the value, a copy button and the warning that it will
 * not be shown again. Only the response that creates or rotates the secret may render this.
 */
export function SecretReveal({
  id,
  secret,
  what,
  why = 'Punchclock keeps only a hash of it.',
}: {
  id: string;
  secret: string;
  what: string;
  /** Why it cannot be shown again (a webhook secret is stored, to sign with, but no page shows it). */
  why?: string;
}): JSX.Element {
  return (
    <>
      <Alert tone="warn">
        <strong>Copy it now.</strong> <span safe>{`This ${what} will not be shown again: ${why}`}</span>
      </Alert>
      <div class="secret-box">
        <code id={id} safe>
          {secret}
        </code>
        <button type="button" class="small secondary" data-copy-target={id}>
          Copy
        </button>
      </div>
    </>
  );
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant as the account's people read it ("Nov 1, 2026, 8:00 AM" in the account's time zone), or `none`. */
export function formatDateTime(iso: string | null, timeZone: string, none = '—'): string {
  if (!iso) return none;
  let format = dateTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    dateTimeFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** A day as the account's people read it ("Nov 1, 2026" in the account's time zone), or `none`: for narrow columns. */
export function formatDate(iso: string | null, timeZone: string, none = '—'): string {
  if (!iso) return none;
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

/** One text field of a submitted form ("" when absent; the first value when a name repeats). */
export function formText(body: unknown, name: string): string {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

/**
 * The status a page answers with when a service refuses an action (ApiError): the API's own status, so a form sent
 * back with the service's message says 400, 403, 404 or 409 as the API would.
 */
export function formErrorStatus(error: { readonly status: number }): 400 | 403 | 404 | 409 | 429 {
  const status = error.status;
  return status === 403 || status === 404 || status === 409 || status === 429 ? status : 400;
}

/** How a page names a key without revealing it: its display prefix and last four (`pc_live_abcd…wxyz`). */
export function maskedKey(key: { readonly displayPrefix: string; readonly last4: string }): string {
  return `${key.displayPrefix}…${key.last4}`;
}

/**
 * A link that also works through htmx: a plain GET without script, and with htmx a swap of the element `targetId`
 * with the page's fragment, the address bar following (so reload and back show the same thing).
 */
export function swapLink(href: string, targetId: string): Record<string, string> {
  return { href, 'hx-get': href, 'hx-target': `#${targetId}`, 'hx-push-url': 'true' };
}

/** One column of a table's heading row. */
export interface Column {
  readonly label: string;
  /** A column of figures, aligned right like its cells. */
  readonly num?: boolean;
  /** Named for screen readers only: a column of buttons needs a name, not a visible heading. */
  readonly hidden?: boolean;
}

/** A table's heading row, so every table names its columns for screen readers the same way. */
export function TableHead({ columns }: { columns: readonly Column[] }): JSX.Element {
  return (
    <thead>
      <tr>
        {columns.map((column) =>
          column.hidden ? (
            <th scope="col">
              <span class="visually-hidden" safe>
                {column.label}
              </span>
            </th>
          ) : (
            <th scope="col" class={column.num ? 'num' : undefined} safe>
              {column.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/**
 * A table of rows (the children) in the wrapper that lets it scroll sideways on narrow screens. The caption, when
 * given, is for screen readers: the page's heading already says what the table lists.
 */
export function DataTable({
  caption,
  columns,
  tableClass,
  children,
}: PropsWithChildren<{ caption?: string; columns: readonly Column[]; tableClass?: string }>): JSX.Element {
  return (
    <div class="table-wrap">
      <table class={tableClass}>
        {caption ? (
          <caption class="visually-hidden" safe>
            {caption}
          </caption>
        ) : (
          ''
        )}
        <TableHead columns={columns} />
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** What stands in a table's place when there is nothing to list: the same frame, and why it is empty. */
export function EmptyTable({ children }: PropsWithChildren): JSX.Element {
  return (
    <div class="table-wrap">
      <p class="empty">{children}</p>
    </div>
  );
}

/** Cursor pagination links of a newest-first list; null where there is nothing newer or older. */
export interface PagerLinks {
  readonly newer: string | null;
  readonly older: string | null;
}

/** "Newer" / "Older" under a list. With `target`, the links swap that element through htmx (see swapLink). */
export function Pager({ links, target }: { links: PagerLinks; target?: string }): JSX.Element {
  if (!links.newer && !links.older) return '';
  const link = (href: string | null, label: string) =>
    href === null ? (
      <span class="button secondary small" aria-disabled="true" safe>
        {label}
      </span>
    ) : (
      <a class="button secondary small" {...(target ? swapLink(href, target) : { href })} safe>
        {label}
      </a>
    );
  return (
    <nav class="pager actions" aria-label="Pages">
      {link(links.newer, '← Newer')}
      {link(links.older, 'Older →')}
    </nav>
  );
}

/**
 * The links for one page of a newest-first keyset list. `after` / `before` are the cursors the page was asked with;
 * `urlOf` builds the same page's URL with new cursors (null for "from the newest").
 */
export function pagerLinks<T extends { readonly id: string }>(
  page: { readonly items: readonly T[]; readonly hasMore: boolean },
  cursor: { readonly after: string; readonly before: string },
  urlOf: (cursor: { after?: string; before?: string }) => string,
): PagerLinks {
  const first = page.items[0];
  const last = page.items[page.items.length - 1];
  if (!first || !last) return { newer: cursor.after || cursor.before ? urlOf({}) : null, older: null };
  const pagedBack = cursor.before !== '' && cursor.after === '';
  return {
    newer: cursor.after !== '' || (pagedBack && page.hasMore) ? urlOf({ before: first.id }) : null,
    older: pagedBack || page.hasMore ? urlOf({ after: last.id }) : null,
  };
}
