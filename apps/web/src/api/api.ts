import { createApiClient, type ApiClient, type Problem } from '@piao/api-client';

/**
 * The API as the page uses it: the same origin, the session cookie (never a token in the page's reach), and the
 * header that tells the API a write comes from this interface (apps/api/src/web-session/session-cookie.ts).
 */
export const api: ApiClient = createApiClient({
  baseUrl: window.location.origin,
  fetch: (request: Request) => {
    request.headers.set('X-Piao-Client', 'web');
    // Never from the browser's cache: an answer depends on who asks (see the API's Cache-Control: no-store).
    return fetch(request, { credentials: 'same-origin', cache: 'no-store' });
  },
});

/** An answer that is not a problem document (a lost connection, a proxy's page) as one. */
export function asProblem(error: unknown, status: number): Problem {
  if (error && typeof error === 'object' && 'status' in error && 'title' in error) return error as Problem;
  return { type: 'about:blank', title: 'Errore', status } as Problem;
}

/** What a call of the client gives back, whatever the route. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** A call's data, or the problem to show: the API's own, or one for a network failure (status 0). */
export async function answerOf<T>(call: Promise<Answer<T>>): Promise<{ data: T; problem?: undefined } | { data?: undefined; problem: Problem }> {
  try {
    const { data, error, response } = await call;
    return data !== undefined && response.ok ? { data } : { problem: asProblem(error, response.status) };
  } catch (error) {
    return { problem: asProblem(error, 0) };
  }
}
