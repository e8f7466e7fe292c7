import { SUPPORTED_API_VERSIONS } from '../../../platform/versioning/versions.js';
import {
  type CreateWebhookEndpointInput,
  WEBHOOK_DESCRIPTION_MAX_LENGTH,
  WEBHOOK_URL_MAX_LENGTH,
} from '../../../platform/webhooks/endpoints/schema.js';
import { formText } from '../../components.js';

/** The create form as submitted, to send it back filled in when something needs fixing. */
export interface EndpointFormValues {
  readonly url: string;
  readonly description: string;
  /** "all" sends every event; "selected" the checked ones. */
  readonly eventsMode: 'all' | 'selected';
  readonly events: readonly string[];
  /** Empty for the account's pinned version. */
  readonly apiVersion: string;
}

export const EMPTY_ENDPOINT_FORM: EndpointFormValues = {
  url: '',
  description: '',
  eventsMode: 'all',
  events: [],
  apiVersion: '',
};

function formList(body: unknown, name: string): string[] {
  const value =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is string => typeof item === 'string' && item !== '');
}

export function endpointFormValuesOf(body: unknown): EndpointFormValues {
  const events = formList(body, 'events');
  const mode = formText(body, 'events_mode');
  return {
    url: formText(body, 'url').trim(),
    description: formText(body, 'description').trim(),
    // Boxes ticked without switching the mode still mean "these events".
    eventsMode: mode === 'selected' || (mode === '' && events.length > 0) ? 'selected' : 'all',
    events,
    apiVersion: formText(body, 'api_version'),
  };
}

/**
 * The service's input for the form, or what to fix first. Only what the API's route schema would refuse before its
 * service runs is checked here (presence and length); event types, the URL's scheme and address are the service's.
 */
export function endpointInputOf(
  values: EndpointFormValues,
): { input: CreateWebhookEndpointInput } | { error: string } {
  if (values.url === '') return { error: 'Enter the URL that should receive the events.' };
  if (values.url.length > WEBHOOK_URL_MAX_LENGTH) {
    return { error: `The URL is longer than ${WEBHOOK_URL_MAX_LENGTH} characters.` };
  }
  if (values.description.length > WEBHOOK_DESCRIPTION_MAX_LENGTH) {
    return { error: `The description is longer than ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters.` };
  }
  if (values.eventsMode === 'selected' && values.events.length === 0) {
    return { error: 'Choose at least one event, or send all events.' };
  }
  if (values.apiVersion !== '' && !SUPPORTED_API_VERSIONS.includes(values.apiVersion)) {
    return { error: `Choose an API version: ${SUPPORTED_API_VERSIONS.join(', ')}.` };
  }
  return {
    input: {
      url: values.url,
      ...(values.description ? { description: values.description } : {}),
      enabledEvents: values.eventsMode === 'all' ? ['*'] : [...values.events],
      apiVersion: values.apiVersion || null,
    },
  };
}
