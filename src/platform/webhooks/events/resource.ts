import { defineResource } from '../../descriptors/descriptor.js';

/** The change feed: the events the outbox writes, readable by clients that poll (read-only). */
export const EVENTS = defineResource({
  scope: { name: 'events', label: 'Events', writable: false },
  object: 'event',
  idPrefix: 'evt',
  path: '/events',
  names: { one: 'event', many: 'events' },
  tag: {
    name: 'Events',
    description: 'The change feed: every change of the account, deletions included, for clients that poll.',
  },
  fields: ['type', 'createdAt', 'apiVersion', 'data'],
  restrictable: false,
  events: null,
});
