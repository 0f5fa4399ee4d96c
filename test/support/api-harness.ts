import { type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { type Role } from '@piao/lifecycle';
import { EVENT_STORE, formatPosition, type EventStore } from '@piao/event-store';
import { type StorageConfig } from '@piao/storage';
import { type Clock } from '@piao/application';
import { createApp } from '../../apps/api/src/bootstrap';
import { buildOpenApiDocument } from '../../apps/api/src/openapi/openapi-document';
import { ContractRecorder } from './openapi-contract';
import { loadConfig } from '@piao/config';
import { mintDevelopmentToken } from '../../apps/api/src/auth/development-token';
import { createTestDatabase } from './postgres';
import { TEST_AUDIT_SIGNER_KEY_FILE } from './api-process';
import { readLog } from './read-log';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface Person {
  sub: string;
  name: string;
  ente: string;
  roles: Role[];
}

export interface Api {
  app: INestApplication;
  store: EventStore;
  /** A supertest agent for the person: every request carries their bearer token. */
  as(person: Person): Promise<AuthorisedClient>;
  anonymous(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface AuthorisedClient {
  get(url: string): request.Test;
  post(url: string, body?: object | string, headers?: Record<string, string>): request.Test;
  put(url: string, body?: object, headers?: Record<string, string>): request.Test;
  /** A POST whose body is a file, sent as its bytes with its media type. */
  postFile(url: string, file: Buffer, type: string, headers?: Record<string, string>): request.Test;
}

/** The real application on a fresh PostgreSQL database or an in-memory PGlite. */
export async function startApi(kind: Exclude<StorageConfig['kind'], 'eventstoredb'>, env: Record<string, string> = {}, clock?: Clock): Promise<Api> {
  const db = kind === 'postgres' ? await createTestDatabase() : undefined;
  const config = loadConfig({
    NODE_ENV: 'test',
    EVENT_STORE: kind,
    DATABASE_URL: db?.url,
    PGLITE_DATA_DIR: 'memory://',
    JWT_SECRET: TEST_SECRET,
    LOG_LEVEL: 'silent',
    AUDIT_SIGNER_KEY_FILE: TEST_AUDIT_SIGNER_KEY_FILE,
    // Readiness checked anew on every call: the suites change what it depends on and look at once.
    READINESS_CACHE_MS: '0',
    ...env,
  });
  const app = await createApp(config, { clock });
  await app.init();
  const http = app.getHttpServer();
  // Every answer of the suite is checked against the API's own document (the contract test).
  const contract = new ContractRecorder(buildOpenApiDocument(app, config));
  contract.attach(http);
  return {
    app,
    store: app.get<EventStore>(EVENT_STORE),
    anonymous: () => request(http),
    async as(person) {
      const token = await mintDevelopmentToken({ sub: person.sub, name: person.name, ente: person.ente, roles: person.roles }, TEST_SECRET);
      return clientOf(http, token);
    },
    async close() {
      await app.close();
      await db?.drop();
      contract.assertNone();
    },
  };
}

/** A client sending the token on every request, to the app's server or to an API process's URL. */
export function clientOf(target: Parameters<typeof request>[0], token: string): AuthorisedClient {
  const bearer = `Bearer ${token}`;
  return {
    get: (url) => request(target).get(url).set('Authorization', bearer),
    post: (url, body = {}, headers = {}) => request(target).post(url).set('Authorization', bearer).set(headers).send(body),
    put: (url, body = {}, headers = {}) => request(target).put(url).set('Authorization', bearer).set(headers).send(body),
    postFile: (url, file, type, headers = {}) => request(target).post(url).set('Authorization', bearer).set(headers).type(type).send(file),
  };
}

/** Every event in the store, in log order: to prove that a refused request wrote nothing. */
export const allEvents = (store: EventStore) => readLog(store);

/** The position of the last event in the log, for `?after=`: a query then sees everything written so far. */
export async function logHead(store: EventStore): Promise<string> {
  const events = await allEvents(store);
  return events.length ? formatPosition(events[events.length - 1].position) : '0/0';
}
