/**
 * Prints a fuzz report: per target the counts by status and error code, by kind of request, the webhook audit, and
 * every failure grouped by rule, operation, status and code, each group with one request that reproduces it (keys
 * replaced by their role, bodies cut) and the response it got.
 */
import type { Failure, FuzzReport } from './fuzzer.js';
import { isWireError } from './http.js';
import type { FuzzRequest } from './requests.js';

/** Keys are secrets even in a throw-away database: a report names their role. */
type KeyNames = FuzzReport['keyNames'];

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

function printable(text: string): string {
  // Control characters would garble the terminal: show them escaped (tab and newline stay).
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = (code < 0x20 && char !== '\t' && char !== '\n') || code === 0x7f;
    out += control ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return out;
}

export function describeRequest(request: FuzzRequest, keys: KeyNames): string[] {
  const headers = Object.entries(request.headers)
    .filter(([name]) => !['user-agent', 'accept'].includes(name))
    .map(([name, value]) => {
      let shown = value;
      for (const [key, role] of keys) shown = shown.split(key).join(`<${role}>`);
      return `${name}: ${cut(shown, 120)}`;
    });
  const body = request.body ? printable(cut(request.body.toString('utf8'), 400)) : undefined;
  return [
    `#${request.index} ${request.kind}${request.variant ? ` (${printable(request.variant)})` : ''}`,
    `${request.method} ${cut(request.path, 300)}`,
    ...headers.map((line) => `  ${line}`),
    ...(body === undefined ? [] : [`  body (${request.body?.length} bytes): ${body}`]),
  ];
}

function describeFailure(failure: Failure, keys: KeyNames): string[] {
  const lines = failure.detail.split('\n');
  if (failure.request) lines.push('request:', ...describeRequest(failure.request, keys).map((l) => `  ${l}`));
  if (failure.outcome) {
    if (isWireError(failure.outcome)) {
      lines.push(`response: none (${failure.outcome.error}) after ${failure.outcome.ms} ms`);
    } else {
      const requestId = failure.outcome.headers['x-request-id'];
      lines.push(
        `response: ${failure.outcome.status} (X-Request-Id ${requestId ?? 'missing'}, ${failure.outcome.headers['content-type'] ?? 'no content type'})`,
        `  ${printable(cut(failure.outcome.text, 800))}`,
      );
    }
  }
  for (const line of failure.serverLog ?? []) lines.push(`server log: ${cut(line.trim(), 1500)}`);
  return lines;
}

function statusOf(failure: Failure): string {
  if (!failure.outcome || isWireError(failure.outcome)) return '';
  let code = '';
  try {
    code = (JSON.parse(failure.outcome.text) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    // not JSON: the status alone
  }
  return `${failure.outcome.status}${code ? ` ${code}` : ''}`;
}

export function formatReport(report: FuzzReport): string {
  const keys = report.keyNames;
  const seconds = report.durationMs / 1000;
  const out: string[] = [
    `== ${report.dialect}: ${report.sent} requests, seed ${report.seed}, concurrency ${report.concurrency}, ${seconds.toFixed(1)} s (${Math.round(report.sent / seconds)} requests/s)`,
    `   ${report.operations} operations; ${report.refusalBatches} refusal batches compared before/after`,
  ];
  const { first, last } = report.latency;
  out.push(
    `   response times: first tenth mean ${first.meanMs} ms (p99 ${first.p99Ms} ms), last tenth mean ${last.meanMs} ms (p99 ${last.p99Ms} ms)`,
  );
  if (report.neverSucceeded.length > 0)
    out.push(`   never answered 2xx: ${report.neverSucceeded.join(', ')}`);
  out.push('   by status and code:');
  const statuses = [...report.byStatus].sort(([a], [b]) => a.localeCompare(b));
  for (const [status, n] of statuses) out.push(`     ${status.padEnd(36)} ${String(n).padStart(6)}`);
  out.push(
    `   by kind: ${[...report.byKind]
      .sort(([, a], [, b]) => b - a)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
  );
  const w = report.webhooks;
  out.push(
    `   webhooks: ${w.events} events since the audit endpoint, ${w.deliveries} deliveries, ${w.attempts} attempts; ${
      w.problems.length === 0
        ? 'every delivery final, every event delivered'
        : `${w.problems.length} problems`
    }`,
  );

  const groups = new Map<string, Failure[]>();
  for (const failure of report.failures) {
    const key =
      failure.request === undefined
        ? `${failure.check}|${failure.operation}|${failure.detail}`
        : `${failure.check}|${failure.operation}|${statusOf(failure)}`;
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  out.push(`   failures: ${report.failures.length}${groups.size > 0 ? ` in ${groups.size} groups` : ''}`);
  for (const failures of groups.values()) {
    const first = failures[0] as Failure;
    const kinds = [...new Set(failures.map((f) => f.request?.kind).filter(Boolean))].join(', ');
    out.push(
      '',
      `   [${first.check}] ${first.operation} ${statusOf(first)} × ${failures.length}${kinds ? ` (kinds: ${kinds})` : ''}`,
      ...describeFailure(first, keys).map((line) => `      ${line}`),
    );
  }
  return out.join('\n');
}
