import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { ApiError } from '../../platform/errors/api-error.js';
import { findUserById } from '../../platform/users/repository.js';
import {
  changeOwnPassword,
  describePasswordLink,
  type PasswordLinkDetails,
  redeemPasswordLink,
  requestPasswordReset,
} from '../../platform/users/service.js';
import {
  Alert,
  formatDateTime,
  formErrorStatus,
  formText,
  InputField,
  Notices,
  PageHeader,
} from '../components.js';
import { sendHtml, sessionOf } from '../http.js';
import { CsrfField, Layout } from '../layout.js';
import { SESSION_COOKIE, sessionCookieOptions } from '../session/cookie.js';
import { type PortalSession, SESSION_MAX_MS, startSession } from '../session/service.js';

/** Passwords are at least this long (the users service checks it; the forms say it first). */
const MIN_PASSWORD_LENGTH = 10;

function NewPasswordFields({ label = 'New password' }: { label?: string }): JSX.Element {
  return (
    <>
      <InputField
        label={label}
        id="new-password"
        name="newPassword"
        type="password"
        autocomplete="new-password"
        minlength={String(MIN_PASSWORD_LENGTH)}
        required
      >
        <p class="hint">{`At least ${MIN_PASSWORD_LENGTH} characters.`}</p>
      </InputField>
      <InputField
        label="Repeat it"
        id="repeat-password"
        name="repeatPassword"
        type="password"
        autocomplete="new-password"
        required
      />
    </>
  );
}

/** The two new-password fields must match: a typo would lock the user out. */
function mismatch(body: unknown): string | null {
  return formText(body, 'newPassword') === formText(body, 'repeatPassword')
    ? null
    : 'The two passwords differ. Type the same one twice.';
}

function SetPasswordPage(props: {
  token: string;
  link: PasswordLinkDetails | null;
  timeZone?: string;
  error?: string;
}): JSX.Element {
  const { link } = props;
  return (
    <Layout title="Choose a password" session={null}>
      <div class="panel login-card">
        {link ? (
          <>
            <h1>{link.purpose === 'invitation' ? 'Welcome to Punchclock' : 'Choose a new password'}</h1>
            <p class="subtitle" safe>
              {`${link.name} <${link.email}>: this link works once, until ${formatDateTime(link.expiresAt, props.timeZone ?? 'UTC')} (UTC).`}
            </p>
            <Notices error={props.error} />
            <form method="post" action="/portal/set-password">
              <input type="hidden" name="token" value={props.token} />
              <NewPasswordFields />
              <button type="submit">Set password and sign in</button>
            </form>
          </>
        ) : (
          <>
            <h1>This link cannot be used</h1>
            <Alert tone="error">
              It is unknown, was used already or has expired. Ask an administrator of your account for a new
              one, or use <a href="/portal/forgot-password">Forgot password</a>.
            </Alert>
          </>
        )}
      </div>
    </Layout>
  );
}

function ForgotPasswordPage({ sent, error }: { sent: boolean; error?: string }): JSX.Element {
  return (
    <Layout title="Forgot password" session={null}>
      <div class="panel login-card">
        <h1>Forgot your password?</h1>
        <Notices error={error} />
        {sent ? (
          <Alert tone="ok">
            If an active user has that email, a one-time reset link was made for them (valid 24 hours). This
            Punchclock server sends no mail itself: its operator delivers the link, or an administrator of
            your account can reset your password from Team → Users.
          </Alert>
        ) : (
          <>
            <p class="subtitle">
              Enter the email you sign in with. A one-time reset link is made and handed to your Punchclock
              operator to deliver.
            </p>
            <form method="post" action="/portal/forgot-password">
              <InputField
                label="Email"
                id="email"
                name="email"
                type="email"
                autocomplete="username"
                required
              />
              <button type="submit">Make a reset link</button>
            </form>
          </>
        )}
        <p>
          <a href="/portal/login">Back to sign in</a>
        </p>
      </div>
    </Layout>
  );
}

function ChangePasswordPage(props: { session: PortalSession; notice?: string; error?: string }): JSX.Element {
  return (
    <Layout title="Your password" session={props.session}>
      <PageHeader
        title="Your password"
        subtitle={`Signed in as ${props.session.user.name} <${props.session.user.email}>.`}
      />
      <Notices notice={props.notice} error={props.error} />
      <div class="panel">
        <form method="post" action="/portal/account/password">
          <CsrfField session={props.session} />
          <InputField
            label="Current password"
            id="current-password"
            name="currentPassword"
            type="password"
            autocomplete="current-password"
            required
          />
          <NewPasswordFields />
          <p class="hint">Your other sessions are signed out; this one stays.</p>
          <button type="submit">Change password</button>
        </form>
      </div>
    </Layout>
  );
}

/** The service's refusal as the page's message; anything else is not the form's to explain. */
function messageOf(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  throw error;
}

/**
 * Password pages (issue 13): the page a sign-in or reset link opens (public: the link's token is the credential),
 * "forgot password" (public, and it never says whether the email exists), and a signed-in user's own change.
 */
export function passwordPages(portal: FastifyInstance, ctx: AppContext): void {
  const showSetPassword = async (reply: FastifyReply, token: string, error?: string, status = 200) => {
    const link = token === '' ? null : await describePasswordLink(ctx, token);
    return sendHtml(reply, <SetPasswordPage token={token} link={link} error={error} />, link ? status : 404);
  };

  portal.get<{ Querystring: { token?: string } }>(
    '/set-password',
    { config: { portalPublic: true } },
    async (request, reply) => {
      const token = typeof request.query.token === 'string' ? request.query.token : '';
      return showSetPassword(reply, token);
    },
  );

  portal.post('/set-password', { config: { portalPublic: true } }, async (request, reply) => {
    const token = formText(request.body, 'token');
    const different = mismatch(request.body);
    if (different) return showSetPassword(reply, token, different, 400);
    let user: Awaited<ReturnType<typeof redeemPasswordLink>>;
    try {
      user = await redeemPasswordLink(ctx, token, formText(request.body, 'newPassword'));
    } catch (error) {
      const refusal = messageOf(error);
      return showSetPassword(reply, token, refusal.message, formErrorStatus(refusal));
    }
    const row = await findUserById(ctx.database.db, user.id);
    if (!row) return reply.redirect('/portal/login', 303);
    const sessionToken = await startSession(ctx, row);
    reply.setCookie(SESSION_COOKIE, sessionToken, {
      ...sessionCookieOptions(ctx.config),
      maxAge: SESSION_MAX_MS / 1000,
    });
    return reply.redirect('/portal', 303);
  });

  portal.get('/forgot-password', { config: { portalPublic: true } }, async (_request, reply) =>
    sendHtml(reply, <ForgotPasswordPage sent={false} />),
  );

  portal.post('/forgot-password', { config: { portalPublic: true } }, async (request, reply) => {
    const email = formText(request.body, 'email').trim();
    // Each request counts as a failed sign-in of this address and email: the form cannot be used to flood the
    // server's log (or a mail sender) with links, nor to probe faster than sign-in allows.
    const wait = await ctx.rateLimiter.signInRetryAfterSeconds(request.ip, email);
    if (wait !== null) {
      reply.header('retry-after', String(wait));
      return sendHtml(
        reply,
        <ForgotPasswordPage
          sent={false}
          error={`Too many attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`}
        />,
        429,
      );
    }
    await ctx.rateLimiter.noteSignInFailure(request.ip, email);
    // The same answer whatever the email: the page must not tell who has an account.
    if (email !== '') await requestPasswordReset(ctx, email);
    return sendHtml(reply, <ForgotPasswordPage sent />);
  });

  portal.get('/account/password', async (request, reply) =>
    sendHtml(reply, <ChangePasswordPage session={sessionOf(request)} />),
  );

  portal.post('/account/password', async (request, reply) => {
    const session = sessionOf(request);
    const different = mismatch(request.body);
    if (different) return sendHtml(reply, <ChangePasswordPage session={session} error={different} />, 400);
    try {
      await changeOwnPassword(
        ctx,
        session.account.id,
        session.user.id,
        {
          currentPassword: formText(request.body, 'currentPassword'),
          newPassword: formText(request.body, 'newPassword'),
        },
        { keepSession: session.tokenHash },
      );
    } catch (error) {
      const refusal = messageOf(error);
      return sendHtml(
        reply,
        <ChangePasswordPage session={session} error={refusal.message} />,
        formErrorStatus(refusal),
      );
    }
    return sendHtml(reply, <ChangePasswordPage session={session} notice="Your password was changed." />);
  });
}
