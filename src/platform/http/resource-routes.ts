// The routes of one resource, each said once: a route names what it does and who may call it; its scope, tag, path,
// id parameter, operation id and summary, list envelope and deletion envelope come from the resource's descriptor.
// The scope is `<scope>:read` for `read` routes and `<scope>:write` for `write` routes; the /v1 plugin enforces it
// and projects responses through the key's permissions on the resource, and the OpenAPI document adds the error
// responses every operation shares.
import type { Static, TObject, TSchema, TString } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { exampleId, idPattern } from '../../shared/ids.js';
import type { Principal } from '../auth/principal.js';
import { principalOf } from '../auth/request.js';
import type { AppContext } from '../context.js';
import type { ResourceDescriptor } from '../descriptors/descriptor.js';
import { type Access, scopeString } from '../descriptors/permissions.js';
import type { ErrorCode } from '../errors/catalogue.js';
import { type PageRequest, pageRequest } from '../pagination/keyset.js';
import { listEnvelope, type Page } from '../pagination/respond.js';
import { listEnvelopeSchema } from '../pagination/schema.js';
import { operation } from './route-schema.js';
import './fastify-types.js';

/** Who may call a route: keys with the resource's read or write scope, any valid key, or anyone. */
export type RouteAccess = Access | 'any-key' | 'public';

/** What a route says about itself in the docs; the operation id and summary default to the usual ones. */
export interface OperationText {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description: string;
  /** The error codes this operation's own rules answer with, beyond those of every operation of its shape. */
  readonly errors?: readonly ErrorCode[];
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** A validated request: Fastify has checked (and coerced) each part against its schema. */
export type ApiRequest<Params = unknown, Query = unknown, Body = unknown> = FastifyRequest<{
  Params: Params;
  Querystring: Query;
  Body: Body;
}>;

type StaticOf<S> = S extends TSchema ? Static<S> : unknown;
type IdParams = { id: string };

/** How a route reads its body, beyond its schema. */
export interface BodyOptions {
  /**
   * The body may be left out (an action whose body only adds detail, like unapprove's reason): a request without
   * one is validated and handled as `{}`, and the document marks the request body as not required.
   */
  readonly bodyOptional?: boolean;
  /**
   * The field of the resource's objects each body property writes, where its name differs (unapprove's `reason` is
   * the card's `unapprovalReason`): what a key's field restriction is checked against.
   */
  readonly bodyFields?: Readonly<Record<string, string>>;
}

export interface RouteSpec<P, Q, B> extends Required<Omit<OperationText, 'errors'>>, BodyOptions {
  readonly errors?: readonly ErrorCode[];
  readonly method: Method;
  /** From /v1: `/employees/:id/approve`. */
  readonly url: string;
  readonly access: RouteAccess;
  readonly params?: P;
  readonly querystring?: Q;
  readonly body?: B;
  /** True when a request may leave the body out: the handler then sees `{}` (an action's optional settings). */
  readonly bodyOptional?: boolean;
  readonly response: Readonly<Record<number, TSchema>>;
  /** The success status, when it is not 200. */
  readonly status?: number;
}

type Handler<Request, Result> = (request: Request, principal: Principal, reply: FastifyReply) => Result;

/** A resource and the function that registers its routes: what the registry lists, one per resource. */
export interface ResourceModule {
  readonly resource: ResourceDescriptor;
  register(app: FastifyInstance, ctx: AppContext): void;
}

/** Declares a resource's routes; `define` runs when the app registers them, with the app's context. */
export function resourceModule<R extends ResourceDescriptor>(
  resource: R,
  define: (routes: ResourceRoutes<R>, ctx: AppContext) => void,
): ResourceModule {
  return { resource, register: (app, ctx) => define(new ResourceRoutes(app, resource), ctx) };
}

function pascalCase(words: string): string {
  return words
    .split(/[^a-zA-Z]+/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/** A body left out is validated and handled as `{}` (see BodyOptions.bodyOptional). */
function absentBodyAsEmpty(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (request.body === undefined || request.body === null) request.body = {};
  done();
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

export class ResourceRoutes<R extends ResourceDescriptor = ResourceDescriptor> {
  readonly #app: FastifyInstance;
  readonly resource: R;
  /** `Employee` and `Employees`, for operation ids: from the object name and the path. */
  readonly #one: string;
  readonly #many: string;

  constructor(app: FastifyInstance, resource: R) {
    this.#app = app;
    this.resource = resource;
    this.#one = pascalCase(resource.object);
    this.#many = pascalCase(resource.path);
  }

  /** `{ id }` of the resource's objects: the path parameter of `/<path>/:id` routes. */
  get idParams(): TObject<{ id: TString }> {
    const prefix = this.#idPrefix();
    return Type.Object({
      id: Type.String({
        pattern: idPattern({ idPrefix: prefix }),
        description: `The ${this.resource.names.one} id.`,
        examples: [exampleId({ idPrefix: prefix })],
      }),
    });
  }

  /** `GET /<path>`: a page of objects in the list envelope, newest first. */
  list<Q extends TSchema>(
    spec: OperationText & { readonly querystring: Q; readonly item: TSchema },
    handler: (
      request: ApiRequest<unknown, Static<Q>>,
      principal: Principal,
      page: PageRequest,
    ) => Promise<Page<unknown>>,
  ): void {
    const { resource } = this;
    this.route(
      {
        operationId: `list${this.#many}`,
        summary: `List ${resource.names.many}`,
        ...spec,
        method: 'GET',
        url: resource.path,
        access: 'read',
        response: { 200: listEnvelopeSchema(spec.item, `/v1${resource.path}`) },
      },
      async (request, principal) => {
        const query = request.query as { limit: number; startingAfter?: string; endingBefore?: string };
        const page = await handler(request, principal, pageRequest(query));
        return listEnvelope(request, page, page.countTotal);
      },
    );
  }

  /** `POST /<path>`: 201 with the new object. */
  create<B extends TSchema>(
    spec: OperationText & { readonly body: B; readonly response: TSchema },
    handler: Handler<ApiRequest<unknown, unknown, Static<B>>, Promise<unknown>>,
  ): void {
    this.route(
      {
        operationId: `create${this.#one}`,
        summary: `Create ${withArticle(this.resource.names.one)}`,
        ...spec,
        method: 'POST',
        url: this.resource.path,
        access: 'write',
        response: { 201: spec.response },
        status: 201,
      },
      handler,
    );
  }

  /** `GET /<path>/:id`. */
  retrieve(
    spec: OperationText & { readonly response: TSchema },
    handler: Handler<ApiRequest<IdParams>, Promise<unknown>>,
  ): void {
    this.route(
      {
        operationId: `get${this.#one}`,
        summary: `Retrieve ${withArticle(this.resource.names.one)}`,
        ...spec,
        method: 'GET',
        url: `${this.resource.path}/:id`,
        access: 'read',
        params: this.idParams,
        response: { 200: spec.response },
      },
      handler,
    );
  }

  /** `PATCH /<path>/:id`. */
  update<B extends TSchema>(
    spec: OperationText & { readonly body: B; readonly response: TSchema },
    handler: Handler<ApiRequest<IdParams, unknown, Static<B>>, Promise<unknown>>,
  ): void {
    this.route(
      {
        operationId: `update${this.#one}`,
        summary: `Update ${withArticle(this.resource.names.one)}`,
        ...spec,
        method: 'PATCH',
        url: `${this.resource.path}/:id`,
        access: 'write',
        params: this.idParams,
        response: { 200: spec.response },
      },
      handler,
    );
  }

  /** `DELETE /<path>/:id`: answers `{ id, object, deleted: true }` once `handler` has deleted it. */
  remove(spec: OperationText, handler: Handler<ApiRequest<IdParams>, Promise<void>>): void {
    const { resource } = this;
    const example = exampleId({ idPrefix: this.#idPrefix() });
    this.route(
      {
        operationId: `delete${this.#one}`,
        summary: `Delete ${withArticle(resource.names.one)}`,
        ...spec,
        method: 'DELETE',
        url: `${resource.path}/:id`,
        access: 'write',
        params: this.idParams,
        response: {
          200: Type.Object({
            id: Type.String({ examples: [example] }),
            object: Type.Literal(resource.object),
            deleted: Type.Literal(true),
          }),
        },
      },
      async (request, principal, reply) => {
        await handler(request, principal, reply);
        return { id: request.params.id, object: resource.object, deleted: true };
      },
    );
  }

  /** `POST /<path>/:id/<verb>`: an action on one object (`approve`, `lock`), answering the object. */
  action<B extends TSchema | undefined = undefined>(
    verb: string,
    spec: OperationText &
      BodyOptions & { readonly access: Access; readonly body?: B; readonly response: TSchema },
    handler: Handler<ApiRequest<IdParams, unknown, StaticOf<B>>, Promise<unknown>>,
  ): void {
    this.route(
      {
        operationId: `${verb}${this.#one}`,
        summary: `${pascalCase(verb)} ${withArticle(this.resource.names.one)}`,
        ...spec,
        method: 'POST',
        url: `${this.resource.path}/:id/${verb}`,
        params: this.idParams,
        response: { 200: spec.response },
      },
      handler,
    );
  }

  /** Any route of the resource, for a key: what the shorthands above are made of. */
  route<
    P extends TSchema | undefined = undefined,
    Q extends TSchema | undefined = undefined,
    B extends TSchema | undefined = undefined,
  >(
    spec: RouteSpec<P, Q, B> & { readonly access: Exclude<RouteAccess, 'public'> },
    handler: Handler<ApiRequest<StaticOf<P>, StaticOf<Q>, StaticOf<B>>, unknown>,
  ): void {
    this.#register(spec, (request, reply) => handler(request, principalOf(request), reply));
  }

  /** A route anyone may call, without a key. */
  publicRoute<Q extends TSchema | undefined = undefined>(
    spec: RouteSpec<undefined, Q, undefined> & { readonly access: 'public' },
    handler: (request: ApiRequest<unknown, StaticOf<Q>>, reply: FastifyReply) => unknown,
  ): void {
    this.#register(spec, handler);
  }

  #register<P, Q, B>(
    spec: RouteSpec<P, Q, B>,
    handler: (request: ApiRequest<StaticOf<P>, StaticOf<Q>, StaticOf<B>>, reply: FastifyReply) => unknown,
  ): void {
    const { resource } = this;
    const { method, url, access, params, querystring, body, response, status, bodyOptional } = spec;
    const schema = operation(
      {
        operationId: spec.operationId,
        summary: spec.summary,
        description: spec.description,
        tags: [resource.tag.name],
        ...(spec.errors ? { errors: spec.errors } : {}),
      },
      {
        ...(params ? { params } : {}),
        ...(querystring ? { querystring } : {}),
        ...(body ? { body } : {}),
        response,
      },
      { public: access === 'public', bodyOptional: bodyOptional === true },
    );
    this.#app.route({
      method,
      url,
      config: {
        ...this.#config(access, method, url),
        ...(spec.bodyFields ? { bodyFields: spec.bodyFields } : {}),
      },
      schema,
      ...(bodyOptional ? { preValidation: absentBodyAsEmpty } : {}),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const work = async () => handler(request as ApiRequest<StaticOf<P>, StaticOf<Q>, StaticOf<B>>, reply);
        // A write that claimed an Idempotency-Key commits its answer with its change (idempotency/hooks.ts).
        const result = request.runWrite
          ? await request.runWrite(work, () => status ?? reply.statusCode)
          : await work();
        return status === undefined ? result : reply.code(status).send(result);
      },
    });
  }

  #idPrefix(): string {
    if (this.resource.idPrefix === null) {
      throw new Error(`${this.resource.object} objects have no id of their own, so no route takes one.`);
    }
    return this.resource.idPrefix;
  }

  #config(access: RouteAccess, method: Method, url: string): FastifyContextConfig {
    const { resource } = this;
    if (access === 'public') return { auth: 'none' };
    if (access === 'any-key') return { scope: null, resource };
    const scope = resource.scope;
    if (scope === null || (access === 'write' && !scope.writable)) {
      throw new Error(`${method} ${url}: ${resource.object} has no ${access} scope.`);
    }
    return { scope: scopeString(scope, access), resource };
  }
}
