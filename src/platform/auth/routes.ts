import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { toApiKeyObject } from '../api-keys/key-row.js';
import { ApiKeySchema } from '../api-keys/schema.js';
import type { AppContext } from '../context.js';
import { operation } from '../http/route-schema.js';
import { principalOf } from './request.js';

/** GET /v1/api-key: who is calling, for integrations that check their own setup. */
export function callingKeyRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/api-key',
    {
      // Any valid key may read its own metadata: integrations use it to check their setup.
      config: { scope: null },
      schema: operation(
        {
          operationId: 'getCurrentApiKey',
          summary: 'Retrieve the calling API key',
          description: "The calling key's own metadata (never the key itself). Needs no scope.",
          tags: ['API keys'],
        },
        { response: { 200: ApiKeySchema } },
      ),
    },
    // Served from the key row authentication just verified (and its columns as already parsed): a self-check
    // should not cost a second lookup.
    async (request) => {
      const principal = principalOf(request);
      return toApiKeyObject(principal.key, ctx.clock.now(), principal);
    },
  );
}
