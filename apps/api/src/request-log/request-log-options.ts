import { randomUUID } from 'node:crypto';
import { type Params } from 'nestjs-pino';
import pino from 'pino';
import { CLIENT_ID_FORMAT, correlationIdOf } from '../commands/request-context';

/**
 * The API's log line per request (pino-http through nestjs-pino): the request's id (the client's `X-Request-Id` when
 * well formed, else a new one, echoed in the answer), its correlation id, method, path and status. Shared with the
 * HTTP floor benchmark (bench/http-floor-server.ts), which measures the framework as the API runs it.
 */
export function requestLogOptions(level: string): Params['pinoHttp'] {
  return {
    level,
    genReqId: (request, response) => {
      const given = request.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_ID_FORMAT.test(given) ? given : randomUUID();
      response.setHeader('x-request-id', id);
      return id;
    },
    customProps: (request) => ({ correlationId: correlationIdOf(request.headers['x-correlation-id']) ?? request.id }),
    // One short line per request: what an operator searches by. Headers (and the token) are not logged.
    serializers: {
      // A calendar feed's URL is its secret: it is not logged.
      req: (request: { id: unknown; method: string; url: string }) => ({
        id: request.id,
        method: request.method,
        url: request.url.replace(/^\/calendar\/[^/?#]+/, '/calendar/[secret]'),
      }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    // Asynchronous: a synchronous write per request line cost a tenth of the CPU under load. Writes are not batched,
    // so that a stopping process loses at most the line being written.
    stream: pino.destination({ dest: 1, sync: false }),
  };
}
