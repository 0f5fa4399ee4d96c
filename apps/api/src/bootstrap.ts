import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { type AppConfig } from '@piao/config';
import { type Clock } from '@piao/application';
import { answerParserErrors, installRequestEdge } from './validation/request-edge';

/** Builds the HTTP application; used by main.ts, the end-to-end tests and the benchmarks alike. */
export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options.clock), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  await installRequestEdge(express);
  answerParserErrors(app.getHttpServer());
  express.set('trust proxy', true);
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('piao-cycle API')
      .setDescription('The performance-objective cycle of Italian municipalities (PIAO 2.2 / PEG / PDO) as event streams. Errors are RFC 9457 problem details.')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
