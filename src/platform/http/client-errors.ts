import { maxHeaderSize, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';
import { newRequestId } from '../../shared/ids.js';
import { ApiError, errorEnvelope } from '../errors/api-error.js';
import { DRAIN_LIMIT_BYTES, DRAIN_TIMEOUT_MS } from './drain.js';

/** Node's parser goes on reporting every later chunk of a connection it refused: answer each connection once. */
const answered = new WeakSet<Socket>();

/**
 * What a request Node's HTTP parser refused is answered with: headers over Node's limit (16 KiB unless the operator
 * changed `--max-http-header-size`) are 431, headers that never finished arriving are 408, and anything else the
 * parser cannot read (a garbage request line, a bad header character, a bad chunk) is 400. No message repeats the
 * request, which may be long or crafted.
 */
export function clientErrorAnswer(error: Pick<ConnectionError, 'code'>): ApiError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(
        'request_header_too_large',
        `The URL and headers together exceed ${maxHeaderSize / 1024} KiB; shorten the query string or the headers.`,
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('request_timeout', 'The request line and headers did not arrive in time.');
    default:
      return new ApiError('parameter_invalid', 'The request is not valid HTTP/1.1 and could not be read.');
  }
}

/** The whole HTTP response, written straight to the socket: no request or reply object exists at this stage. */
function rawResponse(apiError: ApiError, requestId: string): string {
  const body = JSON.stringify(errorEnvelope(apiError, requestId));
  return [
    `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * Closing a socket with unread input makes the kernel reset the connection, and a client still sending its headers
 * (a long URL) then loses the answer. So the answer ends our side of the connection, and what the client still sends
 * is read and discarded until it closes, up to the same limits as a refused body's (drain.ts).
 */
function closeAfterAnswer(socket: Socket, response: string): void {
  let discarded = 0;
  const timer = setTimeout(() => socket.destroy(), DRAIN_TIMEOUT_MS).unref();
  socket.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DRAIN_LIMIT_BYTES) socket.destroy();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.end(response);
}

/**
 * Fastify's `clientErrorHandler` (bound to the app): answers what Node's HTTP parser refuses in the contract's
 * envelope, with a request id, instead of Fastify's own body. Mirrors Node's default: nothing is written to a socket
 * that is gone, or on which a response to an earlier pipelined request has begun.
 */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = newRequestId();
  const apiError = clientErrorAnswer(error);
  // Only the parser's code: the error also carries the raw bytes it refused, Authorization header included.
  this.log.info(
    { reqId: requestId, parserError: error.code, statusCode: apiError.status },
    'request refused by the HTTP parser',
  );
  closeAfterAnswer(socket, rawResponse(apiError, requestId));
}
