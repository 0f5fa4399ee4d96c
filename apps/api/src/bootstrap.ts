import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { type AppConfig } from '@piao/config';
import { type Clock } from '@piao/application';
import { answerParserErrors, installRequestEdge } from './validation/request-edge';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { serveWebApp } from './web-app/serve-web-app';

/** Builds the HTTP application; used by main.ts, the end-to-end tests and the benchmarks alike. */
export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options.clock), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  await installRequestEdge(express);
  answerParserErrors(app.getHttpServer());
  express.set('trust proxy', true);
  // No framework banner; and no automatic weak ETag on every answer: an ETag is an objective's revision, set where
  // the document says so.
  express.disable('x-powered-by');
  express.set('etag', false);
  app.enableShutdownHooks();
  if (!serveWebApp(express, config.WEB_DIST_DIR)) app.get(Logger).warn(`no web interface in ${config.WEB_DIST_DIR}: run npm run build`);
  const document = buildOpenApiDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
