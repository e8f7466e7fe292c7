import type { FastifyBaseLogger } from 'fastify';
import type { PasswordLinkPurpose } from '../../db/tables.js';

/** A one-time link that sets a user's password, on its way to that user. */
export interface PasswordLinkMessage {
  readonly purpose: PasswordLinkPurpose;
  readonly accountId: string;
  readonly userId: string;
  /** Where to send it. */
  readonly email: string;
  readonly name: string;
  /** `<publicUrl>/portal/set-password?token=…`: whoever holds it may set the password, once. */
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * How a "forgot password" link reaches its user: the seam where a mail sender plugs in. Punchclock assumes no mail
 * server, so the default writes the link to the server log, from where the operator passes it on. `deliver` should
 * not throw for a failure it can retry later: the person asking never learns whether their email exists, so an
 * error would tell them.
 */
export interface PasswordLinkDelivery {
  deliver(message: PasswordLinkMessage): Promise<void>;
}

/**
 * The default delivery: one warn-level line in the server log with the user's email and the link, for the operator
 * to deliver. Warn, so it shows at the default level and stands out from request lines.
 */
export function logPasswordLinks(logger: FastifyBaseLogger): PasswordLinkDelivery {
  return {
    deliver: async (message) => {
      logger.warn(
        {
          passwordLink: {
            purpose: message.purpose,
            accountId: message.accountId,
            userId: message.userId,
            email: message.email,
            url: message.url,
            expiresAt: message.expiresAt,
          },
        },
        `password ${message.purpose} link for ${message.email} (no mail server is configured: deliver it to them): ${message.url}`,
      );
    },
  };
}
