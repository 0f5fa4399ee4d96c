/**
 * The floor under the HTTP command benchmark: the least a command of this stack does, and nothing of the product. One
 * route, `POST /objectives/:id/phase-progress`, answered in one of three ways (the first argument):
 * - `node-pg`: Node's own HTTP server, the body parsed and checked by hand, one INSERT of the event;
 * - `nest-pg`: NestJS on Express as the API runs it (the API's own log line per request and its own ValidationPipe,
 *   imported from apps/api, with a class-validator DTO), one INSERT of the event;
 * - `nest`: the same without the INSERT: the framework alone.
 * No authentication, no Idempotency-Key, no stream to load, no decision, no processors: what is left when every
 * cost of the product is taken away. bench/http-floor.bench.ts runs it under the load of bench:http.
 * Usage (by the benchmark): ts-node bench/http-floor-server.ts MODE PORT DATABASE_URL
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Body, Controller, HttpCode, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { LoggerModule, Logger } from 'nestjs-pino';
import { Pool } from 'pg';
import { requestLogOptions } from '../apps/api/src/request-log/request-log-options';
import { createValidationPipe } from '../apps/api/src/validation/validation-pipe';

const [mode, port, databaseUrl] = process.argv.slice(2);
/** As many connections as the API's pool holds by default. */
const pool = new Pool({ connectionString: databaseUrl, max: 10 });

const append = async (streamId: string, data: object): Promise<number> => {
  const { rows } = await pool.query<{ position: string }>(
    'INSERT INTO floor_events (event_id, stream_id, type, data) VALUES ($1, $2, $3, $4) RETURNING position',
    [randomUUID(), streamId, 'PhaseProgressRecorded', data],
  );
  return Number(rows[0].position);
};

class PhaseProgressBody {
  @IsString()
  @Length(1, 64)
  phaseId!: string;

  @IsInt()
  @Min(0)
  @Max(100)
  progressPercent!: number;
}

@Controller('objectives')
class FloorController {
  @Post(':id/phase-progress')
  @HttpCode(200)
  async progress(@Param('id') id: string, @Body() body: PhaseProgressBody): Promise<object> {
    const position = mode === 'nest-pg' ? await append(id, { phaseId: body.phaseId, progressPercent: body.progressPercent }) : 0;
    return { objectiveId: id, revision: position, phaseId: body.phaseId, progressPercent: body.progressPercent };
  }
}

@Module({
  imports: [LoggerModule.forRoot({ pinoHttp: requestLogOptions('info') })],
  controllers: [FloorController],
})
class FloorModule {}

async function nest(): Promise<INestApplication> {
  const app = await NestFactory.create(FloorModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  const express = app.getHttpAdapter().getInstance() as import('express').Express;
  express.disable('x-powered-by');
  express.set('etag', false);
  await app.listen(Number(port), '127.0.0.1');
  return app;
}

function bare(): void {
  const route = /^\/objectives\/([^/]+)\/phase-progress$/;
  createServer((request, response) => {
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const id = route.exec(request.url ?? '')?.[1];
    if (request.method !== 'POST' || !id) return answer(404, { title: 'Not Found' });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: { phaseId?: unknown; progressPercent?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        return answer(400, { title: 'Bad Request' });
      }
      const { phaseId, progressPercent } = body;
      if (typeof phaseId !== 'string' || !Number.isInteger(progressPercent) || (progressPercent as number) < 0 || (progressPercent as number) > 100) {
        return answer(422, { title: 'Unprocessable Content' });
      }
      append(id, { phaseId, progressPercent }).then(
        (position) => answer(200, { objectiveId: id, revision: position, phaseId, progressPercent }),
        () => answer(503, { title: 'Service Unavailable' }),
      );
    });
  }).listen(Number(port), '127.0.0.1');
}

if (mode === 'node-pg') bare();
else if (mode === 'nest-pg' || mode === 'nest') void nest();
else throw new Error(`unknown mode ${mode}: node-pg, nest-pg or nest`);
