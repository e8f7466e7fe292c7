import type { IncomingMessage } from 'node:http';

/** How much of a refused body is read and thrown away so the client can read the answer, and for how long. */
export const DRAIN_LIMIT_BYTES = 16 * 1024 * 1024;
export const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Whether part of the body has yet to be read. `complete` is set by Node's HTTP parser; requests injected in-process
 * (light-my-request) never set it, and only `readableEnded` says their body was read.
 */
export function bodyStillArriving(raw: IncomingMessage): boolean {
  return !(raw.complete || raw.readableEnded || raw.destroyed);
}

/**
 * Reads and discards what is left of a request body the server has refused (413, 415, bad JSON) before the answer
 * is sent. Fastify closes such a connection; closing while the upload is still arriving makes the client's next
 * write fail (EPIPE, ECONNRESET) before it reads the 413, which Node's fetch reports instead of the answer. Up to
 * DRAIN_LIMIT_BYTES or DRAIN_TIMEOUT_MS, whichever comes first: a client sending more than that is cut off.
 */
export function drainRequestBody(raw: IncomingMessage): Promise<void> {
  if (!bodyStillArriving(raw)) return Promise.resolve();
  return new Promise((resolve) => {
    let discarded = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('error', finish);
      raw.off('close', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > DRAIN_LIMIT_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_TIMEOUT_MS);
    raw.on('data', onData);
    raw.on('end', finish);
    raw.on('error', finish);
    raw.on('close', finish);
    raw.resume();
  });
}
