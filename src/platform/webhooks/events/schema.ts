import { type Static, Type } from '@sinclair/typebox';
import { exampleId, idPattern } from '../../../shared/ids.js';
import { objectSchema } from '../../descriptors/object-schema.js';
import { listQuerySchema } from '../../pagination/schema.js';
import { SUPPORTED_API_VERSIONS } from '../../versioning/versions.js';
import { EVENTS } from './resource.js';

const EXAMPLE_EVENT_ID = exampleId(EVENTS);

/** The payload of an event: the object it is about, in the API's shape, and for updates what changed. */
export const EventDataSchema = Type.Object(
  {
    object: Type.Object(
      {
        id: Type.String({ examples: ['emp_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] }),
        object: Type.String({ examples: ['employee'] }),
      },
      {
        additionalProperties: true,
        description:
          'The object the event is about, exactly as the API returns it in `apiVersion` (for deletions: as it was just before). The `webhooks` section of this document gives its schema for each event type.',
      },
    ),
    previousAttributes: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description: 'For `.updated` events: the previous values of the attributes that changed.',
          examples: [{ lastName: 'Lopez', updatedAt: '2026-11-01T09:12:44.120Z' }],
        },
      ),
    ),
  },
  { description: 'What happened.' },
);

export const EventSchema = objectSchema(
  EVENTS,
  {
    id: Type.String({
      pattern: idPattern(EVENTS),
      description: 'The event id; time-ordered, so ids sort in the order events happened.',
      examples: [EXAMPLE_EVENT_ID],
    }),
    object: Type.Literal('event'),
    type: Type.String({
      description:
        'What happened: `<object>.created|updated|deleted` or a domain event such as `punch.clock_in`.',
      examples: ['employee.updated'],
    }),
    createdAt: Type.String({
      format: 'date-time',
      description: 'When it happened.',
      examples: ['2026-11-02T14:03:11.482Z'],
    }),
    apiVersion: Type.Union(
      SUPPORTED_API_VERSIONS.map((version) => Type.Literal(version)),
      { description: 'The API version `data.object` is rendered in.', examples: [SUPPORTED_API_VERSIONS[0]] },
    ),
    data: EventDataSchema,
  },
  {
    description:
      'A change in the account. Events are immutable and have no `updatedAt`; the same objects are POSTed to webhook endpoints.',
  },
);
export type Event = Static<typeof EventSchema>;

/**
 * The list parameters of every list but `updatedSince`: events never change, so the feed is followed by its
 * cursor (`endingBefore`) or `createdAfter` instead.
 */
export const ListEventsQuery = Type.Omit(
  listQuerySchema(EVENTS, {
    type: Type.Optional(
      Type.String({
        pattern: '^[a-z_]+\\.([a-z_]+|\\*)$',
        maxLength: 100,
        description:
          'Only events of this type (`employee.updated`), or of every type of one object with a `.*` suffix (`employee.*`, `time_off.*`).',
        examples: ['employee.*'],
      }),
    ),
    createdAfter: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Only events that happened strictly after this instant (ISO-8601).',
        examples: ['2026-11-01T00:00:00Z'],
      }),
    ),
  }),
  ['updatedSince'],
);
export type ListEventsQueryInput = Static<typeof ListEventsQuery>;
