import type { Principal, RecognisedKey } from '../auth/principal.js';
import type { AppContext } from '../context.js';
import type { ResourceDescriptor } from '../descriptors/descriptor.js';
import type { VersionContext } from '../versioning/versions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `none` for public /v1 routes (GET /v1/versions); every other /v1 route authenticates with a key. */
    auth?: 'key' | 'none';
    /** The scope the route requires; `null` means any valid key (GET /v1/api-key). Declared on every /v1 route. */
    scope?: string | null;
    /** The resource the route serves: its objects reach the caller through the key's permissions on it. */
    resource?: ResourceDescriptor;
    /** The resource's field each body property writes, where the names differ (see BodyOptions in resource-routes). */
    bodyFields?: Readonly<Record<string, string>>;
  }
  interface FastifyInstance {
    /** The process's services and state (database, clock, key cache), for the CLI-free entry points. */
    context: AppContext;
  }
  interface FastifyRequest {
    /**
     * When the request arrived, by the app's clock: read once per request (root onRequest hook) and used by every
     * time-dependent step of it — key expiry and cache age, rate-limit windows, the request log's time — so the
     * test clock governs them all and a request costs one clock read.
     */
    receivedAt: Date;
    /** The request's path when it is under /v1 (without the query string), else null; computed once per request. */
    apiPath: string | null;
    /**
     * The matched route's config (scope, resource, url), read once per request: Fastify's routeOptions getter builds
     * a new object on every read, and the hooks and the request log would read it several times.
     */
    routeConfig: FastifyRequest['routeOptions']['config'];
    principal: Principal | null;
    apiVersion: string | null;
    versionContext: VersionContext;
    /** The key the Authorization header named, once found — even when it was then refused (request log). */
    recognisedKey: RecognisedKey | null;
    /** The error code of the response, when it is an error (request log); set where errors are sent. */
    errorCode: string | null;
  }
}
