import { Readable } from 'node:stream';
import { Controller, Get, Inject, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { CLOCK, OrganisationDirectory, type Clock } from '@piao/application';
import { AuditTrail, auditTrailCsv, type AuditTrailEntry, type AuditTrailFilter } from '@piao/audit';
import { NotPermitted, romeDateOf, unitsHeadedBy, type Actor, type Role } from '@piao/lifecycle';
import { Context, type RequestContext } from '../commands/request-context';
import { seesUnsharedEvaluations, withheldEvaluation } from '../objectives/objective.views';
import { AuditTrailExportQueryDto, AuditTrailFilterDto, AuditTrailQueryDto } from './audit-trail.dto';
import { AuditTrailExportView, AuditTrailPageView } from './audit.schemas';

/** Who reads the whole ente's trail: the controls, and the Segretario and administrator who answer to them. */
const WHOLE_ENTE: readonly Role[] = ['nucleo', 'rpct', 'segretario', 'admin'];

/**
 * The audit trail (docs/audit.md): the ente's objective events in log order with who, role, when, why, act, old → new
 * and their leaf hash, filtered and paged, or exported whole as CSV or JSON. A dirigente reads the trail of a unit
 * they head, and only with that unit as the filter.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiExtraModels(AuditTrailExportView)
@Controller('audit/trail')
export class AuditTrailController {
  constructor(
    private readonly trail: AuditTrail,
    private readonly directory: OrganisationDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditTrail',
    summary: "The ente's audit trail, filtered and paged in log order",
    description:
      'Roles: nucleo, rpct, segretario, admin; a dirigente only with `unitId` = a unit they head today (403 otherwise, `rule` ' +
      '`unit-required` or `unit-not-headed`). Each objective event with who, role, when, why, act, old → new and its leaf in the ' +
      'tamper-evident tree (null until the hashing reaches it). An evaluation the NdV has not shared yet shows to others without its ' +
      'motivation and evaluation fields. Page with `cursor` = the previous page’s `next`.',
  })
  @ApiOkResponse({ type: AuditTrailPageView })
  async page(@Context() c: RequestContext, @Query() query: AuditTrailQueryDto): Promise<AuditTrailPageView> {
    await this.mayRead(c.actor, query);
    const [commit, prepare] = query.cursor ? query.cursor.split('/').map(BigInt) : [];
    const limit = query.limit ?? 100;
    const page = await this.trail.page(c.actor.ente, filterOf(query), query.cursor ? { commit, prepare } : undefined, limit);
    return { items: page.items.map((entry) => shownTo(c.actor, entry)), next: page.next ?? null };
  }

  @Get('export')
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({
    operationId: 'exportAuditTrail',
    summary: 'The whole filtered trail as one CSV or JSON file, streamed',
    description:
      'The same readers and filters as `listAuditTrail`. `format=csv` (default): for spreadsheets, `;`-separated, UTF-8 with a byte ' +
      'order mark, Italian headers, one row per event. `format=json`: `{ ente, items }` with the items of the trail. An attachment ' +
      'named `traccia-audit-{ente}-{date}`.',
  })
  @ApiOkResponse({
    description: 'The trail as a file (`Content-Disposition: attachment`)',
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example:
          'Posizione nel registro;ID evento;Codice obiettivo;ID obiettivo;Revisione;Tipo evento;Evento;Autore;ID autore;Ruolo;' +
          'Data del fatto;Registrato il;Motivazione;Atto n.;Data atto;Modifiche (campo: prima → dopo);Indice foglia;Hash foglia (SHA-256, base64);' +
          'Importato da;Importato il\r\n',
      },
      'application/json': { schema: { $ref: getSchemaPath(AuditTrailExportView) } },
    },
  })
  async export(@Context() c: RequestContext, @Query() query: AuditTrailExportQueryDto): Promise<StreamableFile> {
    await this.mayRead(c.actor, query);
    const entries = this.trail.all(c.actor.ente, filterOf(query));
    // The first page is read before the answer starts: a store that is down is then a 503 like anywhere else, not a
    // response cut short (once the first byte is sent, a failure can only end the response).
    const first = await entries.next();
    const actor = c.actor;
    const shown = (async function* () {
      if (!first.done) yield shownTo(actor, first.value);
      for await (const entry of entries) yield shownTo(actor, entry);
    })();
    const name = `traccia-audit-${c.actor.ente}-${romeDateOf(this.clock.now())}`;
    if ((query.format ?? 'csv') === 'json') {
      return new StreamableFile(Readable.from(jsonLines(c.actor.ente, shown)), {
        type: 'application/json; charset=utf-8',
        disposition: `attachment; filename="${name}.json"`,
      });
    }
    return new StreamableFile(auditTrailCsv(shown), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${name}.csv"` });
  }

  /** The controls read everything of their ente; a dirigente the units they head today; nobody else anything. */
  private async mayRead(actor: Actor, filter: AuditTrailFilterDto): Promise<void> {
    if (actor.roles.some((r) => WHOLE_ENTE.includes(r))) return;
    if (!actor.roles.includes('dirigente')) throw new NotPermitted('role-not-allowed', `the audit trail is reserved to: ${WHOLE_ENTE.join(', ')}, dirigente`);
    if (!filter.unitId) throw new NotPermitted('unit-required', 'a dirigente reads the audit trail of a unit they head: give its unitId');
    const headed = unitsHeadedBy(await this.directory.load(actor.ente), actor.id, romeDateOf(this.clock.now()));
    if (!headed.has(filter.unitId)) throw new NotPermitted('unit-not-headed', `unit ${filter.unitId} is not headed by you today`);
  }
}

function filterOf(query: AuditTrailFilterDto): AuditTrailFilter {
  const { objectiveId, unitId, personId, type, from, to, recordedFrom, recordedTo } = query;
  return { objectiveId, unitId, personId, types: type, from, to, recordedFrom, recordedTo };
}

/** An evaluation the NdV has not shared yet: its event shows, what it said does not (but to the NdV). */
function shownTo(actor: Actor, entry: AuditTrailEntry): Omit<AuditTrailEntry, 'evaluationUnshared'> {
  const { evaluationUnshared, ...shown } = entry;
  return evaluationUnshared && entry.type === 'ObjectiveEvaluated' && !seesUnsharedEvaluations(actor) ? withheldEvaluation(shown) : shown;
}

async function* jsonLines(ente: string, entries: AsyncIterable<object>): AsyncGenerator<string> {
  yield `{"ente":${JSON.stringify(ente)},"items":[`;
  let first = true;
  for await (const entry of entries) {
    yield `${first ? '' : ','}\n${JSON.stringify(entry)}`;
    first = false;
  }
  yield '\n]}\n';
}
