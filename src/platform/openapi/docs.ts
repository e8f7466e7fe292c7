import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { ResourceRegistry } from '../descriptors/registry.js';
import { swaggerOptions } from './document.js';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

/**
 * The docs face: `/openapi.json` (generated from the route schemas) and `/docs` (Scalar). Call it before any
 * route is registered: @fastify/swagger collects routes as they are added.
 *
 * Scalar serves its bundle from the package itself (`/docs/js/scalar.js`); the options below also switch off
 * everything that would reach a third-party host from a reader's browser, so the docs work on an air-gapped
 * install and an API key typed into "Test request" only ever goes to this server.
 */
export async function registerDocs(
  app: FastifyInstance,
  config: Config,
  registry: ResourceRegistry,
): Promise<void> {
  await app.register(swagger, swaggerOptions(config.publicUrl, registry));

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_request, reply) => {
    // Readable from other origins so tools (code generators, Postman, a hosted Scalar) can import it.
    reply.header('Access-Control-Allow-Origin', '*');
    return app.swagger();
  });

  await app.register(scalar, {
    routePrefix: DOCS_PATH,
    configuration: {
      title: 'Punchclock API',
      pageTitle: 'Punchclock API reference',
      url: OPENAPI_PATH,
      // Only our x-codeSamples (curl, Node.js, Python, C#): they carry the auth and version headers we document.
      hiddenClients: true,
      hideModels: false,
      // Fonts would come from fonts.scalar.com; the system font stack is used instead.
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
      // An empty proxy sends "Test request" calls straight to this server (/v1 answers CORS) instead of
      // through proxy.scalar.com, which would see the caller's API key.
      proxyUrl: '',
    },
  });
}
