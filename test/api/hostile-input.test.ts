import { connect } from 'node:net';
import { type AddressInfo } from 'node:net';
import { allEvents, startApi, type Api } from '../support/api-harness';
import { seedEnte, type Ente } from '../support/scenario';

/**
 * The edge cases of issue 11 that are not one bad field: ids a client gives in headers, headers and bodies too
 * large, ids written in upper case. The field-by-field cases are in bad-input.test.ts, the generated ones in
 * fuzz.test.ts.
 */
describe('hostile input at the edge (PGlite)', () => {
  let api: Api;
  let e: Ente;
  beforeAll(async () => {
    api = await startApi('pglite');
    e = await seedEnte(api, 'comune-ostile');
  });
  afterAll(() => api.close());

  it('does not store a 15,000-character X-Correlation-Id in the events: it is replaced by the request id', async () => {
    const before = (await allEvents(api.store)).length;
    const response = await e.as.dirigente.post(
      `/objectives/${e.draftId}/propose`,
      {},
      { 'X-Correlation-Id': 'c'.repeat(15_000), 'X-Request-Id': 'r'.repeat(500) },
    );
    expect(response.status).toBe(200);
    const written = (await allEvents(api.store)).slice(before);
    expect(written).toHaveLength(1);
    const requestId = response.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/); // the given one was too long: a fresh one
    expect(written[0].metadata.correlationId).toBe(requestId);
  });

  it('keeps a well-formed correlation id as it was given', async () => {
    const before = (await allEvents(api.store)).length;
    const response = await e.as.segretario.post(`/objectives/${e.draftId}/return`, { reason: 'Da rivedere' }, { 'X-Correlation-Id': 'pratica-2025.031:rev-2' });
    expect(response.status).toBe(200);
    expect((await allEvents(api.store)).slice(before)[0].metadata.correlationId).toBe('pratica-2025.031:rev-2');
  });

  it('reads an objective by its id written in upper case', async () => {
    const lower = await e.as.segretario.get(`/objectives/${e.objectiveId}`);
    const upper = await e.as.segretario.get(`/objectives/${e.objectiveId.toUpperCase()}`);
    expect([lower.status, upper.status]).toEqual([200, 200]);
    expect(upper.body).toEqual(lower.body);
  });

  it('answers a body over the size limit with a 413 problem and writes nothing', async () => {
    const before = (await allEvents(api.store)).length;
    const response = await e.as.segretario.post('/plans', { kind: 'PEG', title: 'x'.repeat(300_000), fromYear: 2025, toYear: 2025 });
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 413, type: '/problems/payload-too-large' });
    expect(await allEvents(api.store)).toHaveLength(before);
  });

  it('answers headers over 16 KiB with a 431 problem body', async () => {
    const server = api.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/Content-Type: application\/problem\+json/i);
    expect(JSON.parse(body)).toMatchObject({ status: 431, type: '/problems/http-431', title: expect.any(String) });
  });
});
