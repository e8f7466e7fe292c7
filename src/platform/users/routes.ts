import type { Principal } from '../auth/principal.js';
import { resourceModule } from '../http/resource-routes.js';
import { USERS } from './resource.js';
import { userSchemas } from './schema.js';
import * as users from './service.js';

/** The key that calls: who acted. */
function actorOf(principal: Principal): users.Actor {
  return { kind: 'api_key', keyId: principal.keyId };
}

const KEYS_NOTE =
  'Send `apiKeys` to decide what becomes of the API keys the user owns: `{ "action": "reassign", "to": "usr_…" }` moves them to another active administrator (each gets an `api_key.reassigned` event), `{ "action": "revoke" }` revokes them. Without it their keys stay, and answer 401 `api_key_owner_inactive` on every server within a second, until an administrator reassigns or revokes them or the user is an active administrator again.';

export const userRoutes = resourceModule(USERS, (routes, ctx) => {
  const schemas = userSchemas(ctx.resources);

  routes.list(
    {
      description:
        'The people who sign in to the portal, newest first, cursor-paginated. Filter by `role`, `active` and `updatedSince`. Never any password material.',
      querystring: schemas.listQuery,
      item: schemas.object,
    },
    (request, { accountId }, page) => users.listUsers(ctx, accountId, request.query, page),
  );

  routes.create(
    {
      errors: ['email_taken'],
      description:
        'Invites an administrator or a manager. The response carries `invitation`: a one-time link (72 hours) to the portal page where the user sets their password and signs in — shown only in this response, so pass it on now. The email must be used by no other user of this installation (409 `email_taken`); `managedLocationIds` and `managedGroupIds` must name the account’s own locations and groups.',
      body: schemas.create,
      response: schemas.invited,
    },
    async (request, principal) => {
      const { user, invitation } = await users.inviteUser(
        ctx,
        principal.accountId,
        { ...request.body, credential: { kind: 'link' } },
        actorOf(principal),
      );
      return { ...user, invitation };
    },
  );

  routes.retrieve({ description: 'One user by id.', response: schemas.object }, (request, { accountId }) =>
    users.getUser(ctx, accountId, request.params.id),
  );

  routes.update(
    {
      errors: ['last_administrator'],
      description: `Changes only the fields sent; \`managedLocationIds\` and \`managedGroupIds\` replace the whole set. A new \`role\` adds a \`user.role_changed\` event; the last active administrator cannot become a manager (409 \`last_administrator\`). ${KEYS_NOTE}`,
      body: schemas.update,
      response: schemas.object,
    },
    (request, principal) =>
      users.updateUser(ctx, principal.accountId, request.params.id, request.body, actorOf(principal)),
  );

  routes.action(
    'deactivate',
    {
      access: 'write',
      errors: ['last_administrator'],
      description: `The user can no longer sign in (their portal sessions end); the last active administrator cannot be deactivated (409 \`last_administrator\`). The body is optional. ${KEYS_NOTE} Deactivating a deactivated user changes nothing but applies \`apiKeys\`: that is how the keys of someone deactivated earlier are reassigned or revoked.`,
      body: schemas.deactivate,
      bodyOptional: true,
      response: schemas.object,
    },
    async (request, principal) => {
      const { user } = await users.deactivateUser(
        ctx,
        principal.accountId,
        request.params.id,
        { apiKeys: request.body.apiKeys },
        actorOf(principal),
      );
      return user;
    },
  );

  routes.action(
    'reactivate',
    {
      access: 'write',
      description:
        'The user may sign in again, and the API keys they still own work again at once if they are an administrator. Reactivating an active user changes nothing.',
      response: schemas.object,
    },
    (request, principal) =>
      users.reactivateUser(ctx, principal.accountId, request.params.id, actorOf(principal)),
  );
});
