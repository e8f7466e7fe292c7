import type { TestApp } from '../helpers/app.js';

/** The parts of an OpenAPI document the tests read; everything else stays opaque. */
export type Json = Record<string, unknown>;

export interface Operation extends Json {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Json[];
  parameters?: Json[];
  requestBody?: Json;
  responses?: Record<string, Json>;
  'x-codeSamples'?: { lang: string; label: string; source: string }[];
}

export interface OpenApiDocument extends Json {
  openapi: string;
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: Json;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** GET /openapi.json the way a client would. */
export async function fetchDocument(t: TestApp): Promise<{ raw: string; document: OpenApiDocument }> {
  const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
  if (response.statusCode !== 200) throw new Error(`/openapi.json answered ${response.statusCode}`);
  return { raw: response.body, document: JSON.parse(response.body) as OpenApiDocument };
}

/** Every operation under /v1, with its path and method. */
export function v1Operations(document: OpenApiDocument): { path: string; method: string; op: Operation }[] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, op]) => ({ path, method, op })),
    );
}

/** Follows a local `#/...` reference (responses are shared components). */
export function deref<T = Json>(document: OpenApiDocument, value: Json): T {
  const ref = value.$ref;
  if (typeof ref !== 'string') return value as T;
  let target: unknown = document;
  for (const part of ref.replace(/^#\//, '').split('/')) target = (target as Json)[part];
  return target as T;
}
