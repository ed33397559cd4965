/**
 * Answers a request Node's HTTP parser refuses before fastify sees it (request headers over Node's limit, a
 * malformed request line, a request that timed out) in the API's error body shape, as fastify's
 * `clientErrorHandler`: `{status: 'error', errorType, error}` instead of fastify's own `{error, message,
 * statusCode}`. The connection is closed after the answer (the parser cannot go on reading it).
 *
 * @see https://fastify.dev/docs/latest/Reference/Server/#clienterrorhandler
 * @see https://nodejs.org/api/http.html#event-clienterror
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { ApiErrorBody } from '../contract/api-error.ts';

/** Status, code and message for a client error of Node's HTTP parser. */
export function clientErrorAnswer(err: { code?: string }): { statusCode: number; body: ApiErrorBody } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        statusCode: 431,
        body: {
          status: 'error',
          errorType: 'DWCP_LIMIT_EXCEEDED',
          error:
            "request headers exceed the server's limit (Node's --max-http-header-size, 16 KiB by default)",
        },
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        statusCode: 408,
        body: {
          status: 'error',
          errorType: 'DWCP_INVALID_INPUT',
          error: 'the request was not received in time',
        },
      };
    default:
      return {
        statusCode: 400,
        body: { status: 'error', errorType: 'DWCP_INVALID_INPUT', error: 'malformed HTTP request' },
      };
  }
}

/** fastify's `clientErrorHandler`: writes {@link clientErrorAnswer} when the socket can still take it, then closes. */
export function sendClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return; // the client is gone: nobody to answer
  if (socket.writable) {
    const { statusCode, body } = clientErrorAnswer(err);
    const text = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(text)}\r\n` +
        'Connection: close\r\n\r\n' +
        text,
    );
  }
  socket.destroy();
}
