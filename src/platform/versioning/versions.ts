/**
 * The version registry (DESIGN §3.5). Handlers produce only the latest shape; each version lists the changes it
 * introduced, and each change knows how to turn a latest-shape response back into the previous version's shape
 * (Stripe's approach). Newest first.
 */
export interface VersionContext {
  /** Counts the whole filtered list; set by list handlers so older versions can include totalCount. */
  countTotal?: (() => Promise<number>) | undefined;
}

export interface VersionChange {
  readonly id: string;
  readonly summary: string;
  readonly details: string;
  /** Latest-shape body → the shape of the version before this one. */
  readonly downgrade: (body: unknown, context: VersionContext) => unknown | Promise<unknown>;
}

export interface ApiVersion {
  readonly version: string;
  readonly releasedOn: string;
  readonly summary: string;
  readonly changes: readonly VersionChange[];
}

function isList(body: unknown): body is { object: 'list'; totalCount?: number } {
  return typeof body === 'object' && body !== null && (body as { object?: unknown }).object === 'list';
}

export const API_VERSIONS: readonly ApiVersion[] = [
  {
    version: '2026-11-01',
    releasedOn: '2026-11-01',
    summary: 'Lists count on request.',
    changes: [
      {
        id: 'list_total_count_opt_in',
        summary: 'List responses include `totalCount` only when asked for with `include=totalCount`.',
        details:
          'Counting every matching row is costly on large tables, so lists now return `totalCount` only with ' +
          '`include=totalCount`. Pagination itself is unchanged: use `hasMore` and the cursors.',
        downgrade: async (body, context) => {
          if (isList(body) && body.totalCount === undefined && context.countTotal) {
            return { ...body, totalCount: await context.countTotal() };
          }
          return body;
        },
      },
    ],
  },
  {
    version: '2025-03-01',
    releasedOn: '2025-03-01',
    summary: 'First public version.',
    changes: [],
  },
];

export const LATEST_API_VERSION = API_VERSIONS[0]?.version as string;
export const SUPPORTED_API_VERSIONS: readonly string[] = API_VERSIONS.map((v) => v.version);

export function isSupportedVersion(version: string): boolean {
  return SUPPORTED_API_VERSIONS.includes(version);
}

/** Applies, newest first, the downgrade of every change newer than `target`. */
export async function renderForVersion(
  body: unknown,
  target: string,
  context: VersionContext,
): Promise<unknown> {
  let out = body;
  for (const version of API_VERSIONS) {
    if (version.version <= target) break;
    for (const change of version.changes) out = await change.downgrade(out, context);
  }
  return out;
}
