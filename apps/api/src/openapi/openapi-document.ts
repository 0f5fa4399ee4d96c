import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { type AppConfig } from '@piao/config';
import { withApiConventions } from './openapi-conventions';
import { FieldErrorSchema, ProblemSchema } from './problem.schema';

const DESCRIPTION = [
  'The performance-objective cycle of Italian municipalities (PIAO 2.2 / PEG / PDO) as event streams.',
  '',
  'Every error is RFC 9457 problem details (`application/problem+json`, schema `Problem`); a 400 names each bad field in `errors[]`.',
  'Commands take an `Idempotency-Key` and answer with the log `position` they were recorded at: pass it as `after=` to a query to read your own writes.',
  'Headers over 16 KiB are answered 431 before any route is reached. Roles: segretario, dirigente, nucleo (NdV), rpct, admin; each operation says who may call it.',
].join('\n');

const TAGS: [string, string][] = [
  ['organisation', 'Units, people, headships, assignments, substitute validators, the scoring system'],
  ['plans', 'Plans (PIAO / PEG / PDO): opening, submission, approval by the Giunta, monitoring campaigns'],
  ['objectives', 'The lifecycle of an objective: drafting, approval, progress, reports, reprogramming, evaluation'],
  ['read-side', 'Read models: lists, dashboards, scores, timelines, versions, time travel'],
  ['reminders', 'Deadlines, reminder policy and preferences, in-app inbox, calendar feed'],
  ['audit', 'Tamper-evident log, proofs, audit trail, red flags, dossiers'],
  ['transparency', 'Open data for Amministrazione Trasparente'],
  ['operations', 'Health, metrics, processors and dead letters'],
];

/** The OpenAPI document of the API, as served at /docs/openapi.json. */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('piao-cycle API')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('AGPL-3.0-or-later', 'https://www.gnu.org/licenses/agpl-3.0.html')
    .addServer(config.PUBLIC_BASE_URL, 'This installation')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: config.OIDC_ISSUER
        ? `An access token of ${config.OIDC_ISSUER} with the claims sub, name, ente and roles`
        : 'A development token: `npm run token -- --sub ID --name "Nome" --ente ENTE --roles segretario`',
    });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ProblemSchema, FieldErrorSchema] });
  return withApiConventions(document);
}
