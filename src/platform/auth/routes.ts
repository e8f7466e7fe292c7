import { toApiKeyObject } from '../api-keys/key-row.js';
import { API_KEYS } from '../api-keys/resource.js';
import { ApiKeySchema } from '../api-keys/schema.js';
import { resourceModule } from '../http/resource-routes.js';

/** GET /v1/api-key: who is calling, for integrations that check their own setup. */
export const callingKeyRoutes = resourceModule(API_KEYS, (routes) => {
  routes.route(
    {
      method: 'GET',
      url: '/api-key',
      // Any valid key may read its own metadata: integrations use it to check their setup.
      access: 'any-key',
      operationId: 'getCurrentApiKey',
      summary: 'Retrieve the calling API key',
      description: "The calling key's own metadata (never the key itself). Needs no scope.",
      response: { 200: ApiKeySchema },
    },
    // Served from the key row authentication just verified (and its columns as already parsed): a self-check
    // should not cost a second lookup.
    (request, principal) => toApiKeyObject(principal.key, request.receivedAt, principal),
  );
});
