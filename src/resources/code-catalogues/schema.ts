import { type TProperties, Type } from '@sinclair/typebox';
import { fromDbBoolean } from '../../db/columns.js';
import type { CodeCatalogueRow } from '../../db/tables.js';
import { NOT_BLANK } from '../../platform/http/text.js';
import { listQuerySchema } from '../../platform/pagination/schema.js';
import { exampleId, idPattern } from '../../shared/ids.js';
import { EMPLOYEES } from '../employees/resource.js';
import type { CodeCatalogue } from './definition.js';

const TIMESTAMP_EXAMPLE = '2026-11-02T14:03:11.482Z';

/**
 * The API object of every catalogue; `employeeIds` only on groups. A type, not an interface: an event carries it
 * as a plain record, which only type aliases are assignable to.
 */
export type CatalogueObject = {
  id: string;
  object: CodeCatalogue['object'];
  code: string;
  name: string;
  description: string | null;
  active: boolean;
  employeeIds?: string[];
  createdAt: string;
  updatedAt: string;
};

export interface CatalogueChanges {
  code?: string;
  name?: string;
  description?: string | null;
  active?: boolean;
  employeeIds?: string[];
}

export interface CatalogueCreateInput extends CatalogueChanges {
  code: string;
  name: string;
}

/**
 * Validation, serialisation and documentation of one catalogue's objects, bodies and queries. Which properties
 * exist depends on the catalogue (groups list members), so the shapes are built at run time and carry the static
 * types above (`Type.Unsafe`), which the handlers and the service share.
 */
export function catalogueSchemas(catalogue: CodeCatalogue) {
  const { example } = catalogue;
  const plural = catalogue.names.many;
  const code = Type.String({
    minLength: 1,
    maxLength: 64,
    pattern: NOT_BLANK,
    description: `Short code, unique among the account's ${plural}; what exports and kiosks show.`,
    examples: [example.code],
  });
  const name = Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: NOT_BLANK,
    description: 'Display name.',
    examples: [example.name],
  });
  const description = Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
    description: 'Longer explanation, free form.',
    examples: [example.description],
  });
  const active = Type.Boolean({
    description: `Whether the entry is in current use. Deactivate ${plural} that records name instead of deleting them.`,
    examples: [true],
  });
  const employeeIds = Type.Array(
    Type.String({ pattern: idPattern(EMPLOYEES), examples: [exampleId(EMPLOYEES)] }),
    {
      uniqueItems: true,
      maxItems: 1000,
      description: 'The employees in the group. Sending it replaces the whole set.',
      examples: [[exampleId(EMPLOYEES)]],
    },
  );
  const members: TProperties = catalogue.hasMembers ? { employeeIds } : {};
  const id = Type.String({
    pattern: idPattern(catalogue),
    description: `The ${catalogue.names.one} id.`,
    examples: [exampleId(catalogue)],
  });

  const objectShape = Type.Object(
    {
      id,
      object: Type.Literal(catalogue.object),
      code,
      name,
      description,
      active,
      ...members,
      createdAt: Type.String({ format: 'date-time', examples: [TIMESTAMP_EXAMPLE] }),
      updatedAt: Type.String({ format: 'date-time', examples: [TIMESTAMP_EXAMPLE] }),
    },
    { description: catalogue.description },
  );

  const optionalMembers: TProperties = catalogue.hasMembers
    ? { employeeIds: Type.Optional(employeeIds) }
    : {};
  const create = Type.Object(
    {
      code,
      name,
      description: Type.Optional(description),
      active: Type.Optional({ ...active, default: true }),
      ...optionalMembers,
    },
    { additionalProperties: false, examples: [{ ...example }] },
  );

  const update = Type.Partial(Type.Object({ code, name, description, active, ...members }), {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ active: false }],
  });

  const list = listQuerySchema(catalogue, {
    active: Type.Optional(
      Type.Boolean({ description: `Only active (\`true\`) or inactive (\`false\`) ${plural}.` }),
    ),
    search: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Case-insensitive match on code or name.',
        examples: [example.code.toLowerCase()],
      }),
    ),
  });

  return {
    object: Type.Unsafe<CatalogueObject>(objectShape),
    create: Type.Unsafe<CatalogueCreateInput>(create),
    update: Type.Unsafe<CatalogueChanges>(update),
    list,
  };
}

export function toCatalogueObject(
  catalogue: CodeCatalogue,
  row: CodeCatalogueRow,
  employeeIds: readonly string[] | undefined,
): CatalogueObject {
  return {
    id: row.id,
    object: catalogue.object,
    code: row.code,
    name: row.name,
    description: row.description,
    active: fromDbBoolean(row.active),
    ...(catalogue.hasMembers ? { employeeIds: [...(employeeIds ?? [])] } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
