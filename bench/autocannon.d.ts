// autocannon ships no types; this declares the part bench/load.ts uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
    }
    interface Request {
      method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
      path?: string;
      headers?: Record<string, string>;
      body?: string;
    }
    interface RequestSpec extends Request {
      /** Called before each request with the connection's own context; returns the request to send. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
      /** Called with each response to this request (with pipelining 1, before the next request is set up). */
      onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
    }
    interface Options {
      url: string;
      method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
      headers?: Record<string, string>;
      body?: string;
      connections?: number;
      pipelining?: number;
      /** Seconds. */
      duration?: number;
      /** Stop after this many requests (shared among the connections) instead of after `duration`. */
      amount?: number;
      /** Each connection cycles through these in order. */
      requests?: RequestSpec[];
    }
    interface Result {
      /** Milliseconds per request. */
      latency: Histogram;
      /** Requests per second, sampled each second. */
      requests: Histogram & { total: number };
      errors: number;
      timeouts: number;
      non2xx: number;
      start: Date;
      finish: Date;
      statusCodeStats: Record<string, { count: number }>;
    }
    /** Emits 'response' (client, statusCode, bytes, responseTime in ms) for every response. */
    interface Instance extends EventEmitter, PromiseLike<Result> {}
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
