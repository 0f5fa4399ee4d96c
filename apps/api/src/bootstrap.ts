import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { type AppConfig } from '@piao/config';
import { type Clock } from '@piao/application';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem-details/problem';

/** Builds the HTTP application; used by main.ts, the end-to-end tests and the benchmarks alike. */
export async function createApp(config: AppConfig, options: { clock?: Clock } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options.clock), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  const { json } = await import('express');
  express.use(json({ limit: '256kb', type: ['application/json', 'application/*+json'] }));
  // Body-parsing errors happen before Nest's pipeline: answer them as problem details here.
  express.use((error: unknown, request: import('express').Request, response: import('express').Response, next: import('express').NextFunction) => {
    if (!error) return next();
    const problem = toProblem(error, request.originalUrl);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
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
