import { Readable } from 'node:stream';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { createdId, DOSSIER_STREAM, RequestDossier, StreamCommands, type CommandOutcome } from '@piao/application';
import { AUDIT_OPTIONS, DOSSIER_FILES, dossierFile, dossierSummary, listDossiers, type AuditOptions, type DossierFile } from '@piao/audit';
import { formatPosition } from '@piao/event-store';
import { DOSSIER_REQUESTERS, dossierStreamId, type DossierRequest } from '@piao/lifecycle';
import { requireRole } from '../auth/require-role';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { notFound, ProblemException, validationProblem } from '../problem-details/problem';
import { DossiersQueryDto, RequestDossierDto } from './dossier.dto';
import { DOSSIER_FILE, DOSSIER_ID, UUID } from '../validation/route-params';
import { ApiProblems } from '../openapi/api-problems';
import { problemResponse } from '../openapi/openapi-conventions';
import { DossierListView, DossierRequestedResult, DossierView } from './audit.schemas';

const FILE_NAMES: Record<string, DossierFile> = { 'fascicolo.pdf': 'pdf', 'fascicolo.json': 'json', 'fascicolo.csv': 'csv' };

/** A download of a dossier that is not ready: the problem, with when to ask again. */
const NOT_READY = (() => {
  const problem = problemResponse(
    409,
    'The dossier is not ready (requested, queued, building or failed): `detail` says which; ask again after `Retry-After` seconds',
  );
  return { ...problem, headers: { ...problem.headers, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } };
})();

const reader = (c: RequestContext) => requireRole(c.actor, DOSSIER_REQUESTERS, 'the audit dossiers');

/**
 * Dossiers (fascicoli di audit, docs/audit.md): requested as a command (the request is an event of the log), built by
 * a worker up to the request's position, then listed, followed (status and progress) and downloaded as PDF/A, JSON
 * and CSV. For the controls and those who answer to them: nucleo, rpct, segretario, admin.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/dossiers')
export class DossiersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
    @Inject(AUDIT_OPTIONS) private readonly audit: AuditOptions,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    operationId: 'requestDossier',
    summary: 'Request a dossier (fascicolo di audit) of an objective, a unit or a plan',
    description:
      'Roles: nucleo, rpct, segretario, admin. The request is an event of the log; the dossier is built in the background up to the ' +
      'request’s `position`: follow it at `links.self` (`getDossier`) and download it from `links.pdf`, `links.json`, `links.csv` once ' +
      '`ready`. `scope.id` is the objective’s or plan’s id (a UUID) or the unit’s id; one the ente does not have is a 404.',
  })
  @ApiAcceptedResponse({ type: DossierRequestedResult, description: 'Requested: it is built in the background' })
  @ApiProblems([404, 'The objective, plan or unit of `scope` is not the ente’s'])
  async request(@Context() c: RequestContext, @Body() dto: RequestDossierDto): Promise<DossierRequestedResult> {
    const { kind } = dto.scope;
    let id = dto.scope.id.trim();
    if (kind !== 'unit') {
      if (!UUID.test(id)) throw validationProblem([{ field: 'scope.id', rule: 'isUuid', message: `scope.id must be the ${kind}'s id (a UUID)` }]);
      id = id.toLowerCase();
    }
    const dossierId = createdId(c.idempotency);
    const render = (outcome: CommandOutcome<DossierRequest>): DossierRequestedResult => ({
      dossierId: outcome.state.dossierId,
      scope: outcome.state.scope,
      status: 'requested',
      position: outcome.position ? formatPosition(outcome.position) : null,
      links: linksOf(outcome.state.dossierId),
    });
    const command = { type: 'RequestDossier' as const, dossierId, ente: c.actor.ente, scope: { kind, id } };
    return render(await this.commands.execute(new RequestDossier(command, commandRequest(c, {}, render))));
  }

  @Get()
  @ApiOperation({
    operationId: 'listDossiers',
    summary: "The ente's dossiers, newest first, with status and progress",
    description: 'Roles: nucleo, rpct, segretario, admin. The dossiers queued or built (a request the builder has not queued yet is not listed).',
  })
  @ApiOkResponse({ type: DossierListView })
  async list(@Context() c: RequestContext, @Query() query: DossiersQueryDto): Promise<DossierListView> {
    reader(c);
    const items = await listDossiers(this.audit.sql, c.actor.ente, query.limit ?? 50);
    return { items: items.map((d) => ({ ...d, links: linksOf(d.dossierId) })) };
  }

  @Get(':dossierId')
  @ApiOperation({
    operationId: 'getDossier',
    summary: 'One dossier: requested, queued, building (with progress), ready (with its content hash) or failed',
    description:
      'Roles: nucleo, rpct, segretario, admin. A dossier in the log that the builder has not queued yet is `requested`, with its scope ' + 'and progress only.',
  })
  @ApiOkResponse({ type: DossierView })
  async status(@Context() c: RequestContext, @Param('dossierId', DOSSIER_ID) dossierId: string): Promise<DossierView> {
    reader(c);
    const id = dossierId;
    return { ...(await this.find(c, id)), links: linksOf(id) };
  }

  @Get(':dossierId/:file')
  @ApiProduces('application/pdf', 'application/json', 'text/csv')
  @ApiOperation({
    operationId: 'downloadDossierFile',
    summary: 'Download a ready dossier: fascicolo.pdf (PDF/A), fascicolo.json, fascicolo.csv',
    description:
      'Roles: nucleo, rpct, segretario, admin. `file` is `fascicolo.pdf` (PDF/A), `fascicolo.json` (the dossier’s content, from which ' +
      'the PDF is rendered; docs/audit.md) or `fascicolo.csv` (its events, for spreadsheets); any other name is a 404. `X-Content-Hash` ' +
      'is the SHA-256 of fascicolo.json, the same for the three files. A dossier not ready yet is a 409 with `Retry-After`.',
  })
  @ApiOkResponse({
    description: 'The file (`Content-Disposition: attachment`)',
    headers: {
      ETag: { description: 'A strong validator of this file: the content hash and the file', schema: { type: 'string' } },
      'X-Content-Hash': { description: '`sha-256=` and the hex SHA-256 of fascicolo.json, as `contentHash` in `getDossier`', schema: { type: 'string' } },
    },
    content: {
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
      'application/json': { schema: { type: 'object', additionalProperties: true, description: 'The dossier’s content (docs/audit.md)' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'Not modified: `If-None-Match` names the file’s current `ETag` (no body)' })
  @ApiResponse({ status: 409, ...NOT_READY })
  async download(
    @Context() c: RequestContext,
    @Param('dossierId', DOSSIER_ID) dossierId: string,
    @Param('file', DOSSIER_FILE) name: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    reader(c);
    const id = dossierId;
    const file = FILE_NAMES[name];
    if (!file) throw notFound(`${name} (a dossier has fascicolo.pdf, fascicolo.json and fascicolo.csv)`);
    const summary = await this.find(c, id);
    const stored = summary.status === 'ready' ? await dossierFile(this.audit.sql, c.actor.ente, id, file) : undefined;
    if (!stored) {
      response.setHeader('Retry-After', '5');
      throw new ProblemException({
        type: '/problems/dossier-not-ready',
        title: 'The dossier is not ready',
        status: 409,
        detail: `the dossier is ${summary.status}${'note' in summary && summary.note ? ` (${summary.note})` : ''}: download it once ready`,
      });
    }
    const hash = 'contentHash' in summary ? summary.contentHash : '';
    response.setHeader('ETag', `"${hash}-${file}"`);
    response.setHeader('X-Content-Hash', `sha-256=${hash}`);
    // A piece at a time (about a megabyte each): a dossier of a large plan is never in the API's memory whole. The
    // first piece is read before the answer starts, so that a database gone away is still a 503; one lost later can
    // only cut the download short, which the announced Content-Length lets the client see.
    const pieces = stored.pieces()[Symbol.asyncIterator]();
    const first = await pieces.next();
    const body = Readable.from(
      (async function* () {
        if (!first.done) yield first.value;
        for (let next = await pieces.next(); !next.done; next = await pieces.next()) yield next.value;
      })(),
    );
    const streamed = new StreamableFile(body, {
      type: DOSSIER_FILES[file],
      disposition: `attachment; filename="fascicolo-${id}.${file}"`,
      length: stored.size,
    });
    return streamed.setErrorHandler((_error, res) => res.destroy?.());
  }

  /** The dossier as queued or built; one in the log that the dossiers processor has not reached yet is 'requested'. */
  private async find(c: RequestContext, id: string) {
    const summary = await dossierSummary(this.audit.sql, c.actor.ente, id);
    if (summary) return summary;
    const requested = await this.streams.load(DOSSIER_STREAM, dossierStreamId(id), c.actor.ente);
    if (requested.state && !requested.foreign) return { dossierId: id, scope: requested.state.scope, status: 'requested' as const, progress: 0 };
    throw notFound(`dossier ${id}`);
  }
}

function linksOf(dossierId: string) {
  const base = `/audit/dossiers/${dossierId}`;
  return { self: base, pdf: `${base}/fascicolo.pdf`, json: `${base}/fascicolo.json`, csv: `${base}/fascicolo.csv` };
}
