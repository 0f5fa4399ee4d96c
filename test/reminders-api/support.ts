import request from 'supertest';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { TEST_SECRET, type Api, type Person } from '../support/api-harness';

/** A PUT as the person, whose token the harness mints. */
export async function putAs(api: Api, person: Person, url: string, body: unknown, headers: Record<string, string> = {}): Promise<request.Response> {
  return (await api.as(person)).put(url, body as object, headers);
}

/** A raw body (not JSON-encoded by supertest): malformed JSON, a bare array, a NUL escaped in JSON text. */
export async function rawAs(api: Api, person: Person, method: 'put' | 'post', url: string, body: string): Promise<request.Response> {
  const token = await mintDevelopmentToken({ sub: person.sub, name: person.name, ente: person.ente, roles: person.roles }, TEST_SECRET);
  return request(api.app.getHttpServer())[method](url).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send(body);
}

/** A complete reminder policy, different from the default. */
export const POLICY = {
  daysBefore: [15, 3],
  onTheDay: true,
  overdueEveryDays: 10,
  escalateAfterDaysOverdue: 20,
  sendHour: 9,
  patronSaintDay: '06-24',
  monitoringCampaigns: [
    { asOf: '06-30', dueOn: '07-31' },
    { asOf: '09-30', dueOn: '10-31' },
  ],
  planApprovalDue: '01-31',
  yearEndReportDue: '02-28',
  ndvValidationDue: '06-30',
};
