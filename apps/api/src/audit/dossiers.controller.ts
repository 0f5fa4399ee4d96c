import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { DOSSIER_STREAM, RequestDossier, StreamCommands, type CommandOutcome } from '@piao/application';
import { AUDIT_OPTIONS, DOSSIER_FILES, dossierFile, dossierSummary, listDossiers, type AuditOptions, type DossierFile } from '@piao/audit';
import { formatPosition } from '@piao/event-store';
import { DOSSIER_REQUESTERS, dossierStreamId, type DossierRequest } from '@piao/lifecycle';
import { requireRole } from '../auth/require-role';
import { Context, commandRequest, type RequestContext } from '../commands/request-context';
import { notFound, ProblemException, validationProblem } from '../problem-details/problem';
import { DossiersQueryDto, RequestDossierDto } from './dossier.dto';
import { DOSSIER_FILE, DOSSIER_ID } from '../validation/route-params';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILE_NAMES: Record<string, DossierFile> = { 'fascicolo.pdf': 'pdf', 'fascicolo.json': 'json', 'fascicolo.csv': 'csv' };

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
  @ApiOperation({ summary: 'Request a dossier of an objective, a unit or a plan; built in the background: nucleo, rpct, segretario, admin' })
  async request(@Context() c: RequestContext, @Body() dto: RequestDossierDto) {
    const { kind } = dto.scope;
    let id = dto.scope.id.trim();
    if (kind !== 'unit') {
      if (!UUID.test(id)) throw validationProblem([{ field: 'scope.id', rule: 'isUuid', message: `scope.id must be the ${kind}'s id (a UUID)` }]);
      id = id.toLowerCase();
    }
    const dossierId = randomUUID();
    const render = (outcome: CommandOutcome<DossierRequest>) => ({
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
  @ApiOperation({ summary: "The ente's dossiers, newest first, with status and progress: nucleo, rpct, segretario, admin" })
  async list(@Context() c: RequestContext, @Query() query: DossiersQueryDto) {
    reader(c);
    const items = await listDossiers(this.audit.sql, c.actor.ente, query.limit ?? 50);
    return { items: items.map((d) => ({ ...d, links: linksOf(d.dossierId) })) };
  }

  @Get(':dossierId')
  @ApiOperation({ summary: 'One dossier: requested, queued, building (with progress), ready (with its content hash) or failed' })
  async status(@Context() c: RequestContext, @Param('dossierId', DOSSIER_ID) dossierId: string) {
    reader(c);
    const id = dossierId;
    return { ...(await this.find(c, id)), links: linksOf(id) };
  }

  @Get(':dossierId/:file')
  @ApiProduces('application/pdf', 'application/json', 'text/csv')
  @ApiOperation({ summary: 'Download a ready dossier: fascicolo.pdf (PDF/A), fascicolo.json, fascicolo.csv' })
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
    const bytes = summary.status === 'ready' ? await dossierFile(this.audit.sql, c.actor.ente, id, file) : undefined;
    if (!bytes) {
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
    return new StreamableFile(bytes, { type: DOSSIER_FILES[file], disposition: `attachment; filename="fascicolo-${id}.${file}"` });
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
