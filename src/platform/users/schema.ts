import { type Static, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { UserRole, UserRow } from '../../db/tables.js';
import { exampleId, type IdKind, idPattern } from '../../shared/ids.js';
import type { ResourceDescriptor } from '../descriptors/descriptor.js';
import { objectSchema } from '../descriptors/object-schema.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { NOT_BLANK } from '../http/text.js';
import { listQuerySchema } from '../pagination/schema.js';
import { USERS } from './resource.js';

/** Every role a stored user may have. `employee` users come from before roles could be given (see UserRole). */
export const USER_ROLES: readonly UserRole[] = ['administrator', 'manager', 'employee'];
/** The roles a user can be given: by invitation, by a change of role. */
export const ASSIGNABLE_ROLES = ['administrator', 'manager'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];

export const USER_NAME_MAX_LENGTH = 200;
export const EMAIL_MAX_LENGTH = 254;
/** How many locations or groups one manager may manage. */
export const MAX_MANAGED = 100;

const EXAMPLE_TIME = '2026-11-02T14:03:11.482Z';

const literals = <T extends string>(values: readonly T[], description: string, example: T) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description, examples: [example] },
  );

const email = Type.String({
  format: 'email',
  maxLength: EMAIL_MAX_LENGTH,
  description:
    'What the user signs in to the portal with: unique across this Punchclock installation, stored in lower case.',
  examples: ['maria.lopez@example.com'],
});
const name = Type.String({
  minLength: 1,
  maxLength: USER_NAME_MAX_LENGTH,
  pattern: NOT_BLANK,
  description: 'How the portal names the user.',
  examples: ['Maria Lopez'],
});
const roleDescription =
  '`administrator`: everything, including API keys, webhooks and users. `manager`: sees the team and approves time for the locations and groups they manage; never manages keys, webhooks or users.';
const assignableRole = literals(ASSIGNABLE_ROLES, roleDescription, 'manager');
const keysDisposition = Type.Object(
  {
    action: literals(
      ['reassign', 'revoke'] as const,
      '`reassign`: the keys get a new owner, `to`. `revoke`: the keys are revoked, for good.',
      'reassign',
    ),
    to: Type.Optional(
      Type.String({
        pattern: idPattern(USERS),
        description: 'With `reassign`: an active administrator of the account, who will own the keys.',
        examples: [exampleId(USERS)],
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'What happens to the API keys the user owns when they stop being an active administrator. Without it their keys stay, but answer 401 `api_key_owner_inactive` until an administrator reassigns or revokes them (or the user is an active administrator again).',
    examples: [{ action: 'reassign', to: exampleId(USERS) }],
  },
);

/** `{ action: 'reassign', to }` or `{ action: 'revoke' }`, as every caller sends it; the service checks the pair. */
export type KeysDispositionInput = Static<typeof keysDisposition>;

/** Ids of the account's objects of one kind, as a set: no duplicates, order not significant. */
const idSet = (kind: IdKind, description: string) =>
  Type.Array(Type.String({ pattern: idPattern(kind) }), {
    uniqueItems: true,
    maxItems: MAX_MANAGED,
    description,
    examples: [[exampleId(kind)]],
  });

/** A resource the schemas name by id, from the registry (the platform imports no resource). */
function resourceOf(registry: ResourceRegistry, object: string): ResourceDescriptor & IdKind {
  const resource = registry.byObject(object);
  if (!resource?.idPrefix) throw new Error(`The registry has no ${object} resource with ids.`);
  return { ...resource, idPrefix: resource.idPrefix };
}

/**
 * The user's object, the bodies that create and change one, and the list query. Managed locations and groups are
 * ids of resources this platform module does not import: the routes make these schemas with the registry.
 */
export function userSchemas(registry: ResourceRegistry) {
  const managedLocationIds = idSet(
    resourceOf(registry, 'location'),
    'Only for managers: the locations whose employees they see and whose time they approve. When both `managedLocationIds` and `managedGroupIds` are empty, a manager manages the whole team. Administrators manage everything, whatever these hold. Sending it replaces the whole set.',
  );
  const managedGroupIds = idSet(
    resourceOf(registry, 'group'),
    'Only for managers: the groups whose employees they see and whose time they approve (see `managedLocationIds`). Sending it replaces the whole set.',
  );
  const properties = {
    id: Type.String({ pattern: idPattern(USERS), description: 'The user id.', examples: [exampleId(USERS)] }),
    object: Type.Literal('user'),
    email,
    name,
    role: literals(
      USER_ROLES,
      `${roleDescription} \`employee\`: users from before roles could be given, who sign in to see nothing; give them another role.`,
      'manager',
    ),
    active: Type.Boolean({
      description:
        'Inactive users cannot sign in, and the API keys they own answer 401 `api_key_owner_inactive`. Use the `deactivate` and `reactivate` actions.',
      examples: [true],
    }),
    managedLocationIds,
    managedGroupIds,
    lastSignInAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the user last signed in to the portal; null until the first time.',
      examples: [EXAMPLE_TIME],
    }),
    createdAt: Type.String({
      format: 'date-time',
      description: 'When the user was invited.',
      examples: [EXAMPLE_TIME],
    }),
    updatedAt: Type.String({
      format: 'date-time',
      description: 'When the user last changed.',
      examples: [EXAMPLE_TIME],
    }),
  };
  const invitation = Type.Object(
    {
      url: Type.String({
        format: 'uri',
        description:
          'The one-time link to the portal page where the user sets their password and signs in. Only its hash is stored: it is shown in this response and never again.',
        examples: [
          'https://time.example.com/portal/set-password?token=4kq1yJm0c2Vf0bqkZr1sJ9d7XoA3uH5pLw8nE6tRgYc',
        ],
      }),
      expiresAt: Type.String({
        format: 'date-time',
        description: 'When the link stops working (72 hours after the invitation). It works once.',
        examples: ['2026-11-05T14:03:11.482Z'],
      }),
    },
    { description: 'How the user gets in: send them this link.' },
  );
  return {
    object: objectSchema(USERS, properties, {
      description: 'A person who signs in to the portal. Never carries password material.',
    }),
    /** The create response: the only one that carries the invitation link. */
    invited: Type.Object(
      { ...properties, invitation },
      {
        description:
          'The invited user, with the invitation link: shown only in this response. A key without `users:read`, or with field restrictions on `users`, gets the user without it.',
      },
    ),
    create: Type.Object(
      {
        email,
        name,
        role: assignableRole,
        managedLocationIds: Type.Optional(managedLocationIds),
        managedGroupIds: Type.Optional(managedGroupIds),
      },
      {
        additionalProperties: false,
        examples: [{ email: 'maria.lopez@example.com', name: 'Maria Lopez', role: 'manager' }],
      },
    ),
    update: Type.Partial(
      Type.Object({
        name,
        role: assignableRole,
        managedLocationIds,
        managedGroupIds,
        apiKeys: keysDisposition,
      }),
      {
        additionalProperties: false,
        minProperties: 1,
        examples: [{ role: 'manager', apiKeys: { action: 'reassign', to: exampleId(USERS) } }],
      },
    ),
    deactivate: Type.Object(
      { apiKeys: Type.Optional(keysDisposition) },
      { additionalProperties: false, examples: [{ apiKeys: { action: 'revoke' } }] },
    ),
    listQuery: listQuerySchema(USERS, {
      role: Type.Optional(literals(USER_ROLES, 'Only users of this role.', 'administrator')),
      active: Type.Optional(
        Type.Boolean({ description: 'Only active (`true`) or deactivated (`false`) users.' }),
      ),
    }),
  };
}

type UserSchemas = ReturnType<typeof userSchemas>;
/** A user as the API, the portal and the CLI show it. */
export type User = Static<UserSchemas['object']>;
export type CreateUserBody = Static<UserSchemas['create']>;
export type UpdateUserBody = Static<UserSchemas['update']>;
export type ListUsersQuery = Static<UserSchemas['listQuery']>;

/** What a user manages, read alongside the row. */
export interface ManagedObjects {
  locationIds: readonly string[];
  groupIds: readonly string[];
}

export function toUser(row: UserRow, managed: ManagedObjects): User {
  return {
    id: row.id,
    object: 'user',
    email: row.email,
    name: row.name,
    role: row.role,
    active: fromDbBoolean(row.active),
    managedLocationIds: [...managed.locationIds],
    managedGroupIds: [...managed.groupIds],
    lastSignInAt: row.last_sign_in_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
