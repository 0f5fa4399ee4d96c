import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { OrganisationDirectory } from '@piao/application';
import { AppConfig } from '@piao/config';
import { type Role } from '@piao/lifecycle';
import { ReadModelQueries } from '@piao/read-models';
import { requireRole } from '../auth/require-role';
import { Context, type RequestContext } from '../commands/request-context';
import { notFound, ProblemException } from '../problem-details/problem';
import { PLAN_ID } from '../validation/route-params';
import { dcatApIt, OPEN_DATA_COLUMNS, openDataOf, openDataRows, type OpenDataPlan } from './open-data';
import { ApiProblems } from '../openapi/api-problems';
import { DcatDatasetView, OpenDataPlanView } from './transparency.schemas';

const ROLES_AND_STATUS =
  'Roles: segretario, rpct, nucleo, admin. Only a plan the Giunta approved (approved or closed) is published: any other is a 409. ' +
  'Only approved objectives, and no personal data (units, not people).';
const NOT_APPROVED: [number, string] = [409, 'The plan is not approved by the Giunta (yet): nothing of it is published'];

/** Who prepares what the ente publishes: the Segretario, the RPCT (responsible for transparency), the NdV, the administrator. */
const PUBLISHERS: readonly Role[] = ['segretario', 'rpct', 'nucleo', 'admin'];

/**
 * The transparency export (docs/transparency.md): the approved plan and its results as open data, CSV and JSON, with
 * DCAT-AP_IT metadata, ready to be published in Amministrazione Trasparente and harvested by open-data portals.
 */
@ApiTags('transparency')
@ApiBearerAuth()
@ApiExtraModels(OpenDataPlanView, DcatDatasetView)
@Controller('transparency/plans/:planId')
export class TransparencyController {
  constructor(
    private readonly queries: ReadModelQueries,
    private readonly directory: OrganisationDirectory,
    private readonly config: AppConfig,
  ) {}

  @Get('obiettivi.json')
  @ApiProduces('application/json')
  @ApiOperation({
    operationId: 'getPlanOpenDataJson',
    summary: "The approved plan's objectives, indicators, targets and results as open data (JSON)",
    description: `${ROLES_AND_STATUS} Field names in Italian, as published; an achievement once the NdV's evaluation is final.`,
  })
  @ApiOkResponse({
    description: 'The open data (`Content-Disposition: inline; filename="obiettivi.json"`)',
    content: { 'application/json': { schema: { $ref: getSchemaPath(OpenDataPlanView) } } },
  })
  @ApiProblems(NOT_APPROVED)
  async json(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string): Promise<StreamableFile> {
    const { data } = await this.load(c, planId);
    return new StreamableFile(Buffer.from(`${JSON.stringify(data, null, 2)}\n`), {
      type: 'application/json; charset=utf-8',
      disposition: 'inline; filename="obiettivi.json"',
    });
  }

  @Get('obiettivi.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    operationId: 'getPlanOpenDataCsv',
    summary: 'The same open data as CSV (RFC 4180, UTF-8, one row per indicator)',
    description: `${ROLES_AND_STATUS} Commas, CRLF, no byte order mark (AgID's guidelines); an objective without indicators has one row.`,
  })
  @ApiOkResponse({
    description: 'The open data (`Content-Disposition: inline; filename="obiettivi.csv"`)',
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example: `${OPEN_DATA_COLUMNS.join(',')}\r\nPEG 2025,2025,2025,S08_01,Sostegno alle famiglie,,Settore Welfare,approvato,DGC n. 31 del 2025-03-10,,Famiglie sostenute,,almeno n. 100,,\r\n`,
      },
    },
  })
  @ApiProblems(NOT_APPROVED)
  async csv(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string): Promise<StreamableFile> {
    const { data } = await this.load(c, planId);
    // Open data for machines: commas and no byte order mark (AgID's guidelines), unlike the audit's spreadsheet files.
    const text = stringify(openDataRows(data), { header: true, columns: [...OPEN_DATA_COLUMNS], record_delimiter: 'windows', escape_formulas: true });
    return new StreamableFile(Buffer.from(text), { type: 'text/csv; charset=utf-8', disposition: 'inline; filename="obiettivi.csv"' });
  }

  @Get('dcat.jsonld')
  @ApiProduces('application/ld+json')
  @ApiOperation({
    operationId: 'getPlanOpenDataDcat',
    summary: 'The dataset described in DCAT-AP_IT (JSON-LD), with both distributions',
    description:
      `${ROLES_AND_STATUS} The metadata an open-data portal harvests (CKAN with dcatapit, dati.gov.it): URLs under PUBLIC_BASE_URL; ` +
      '`dct:modified` is the last change to what is published.',
  })
  @ApiOkResponse({
    description: 'The DCAT-AP_IT description (`Content-Disposition: inline; filename="dcat.jsonld"`)',
    content: { 'application/ld+json': { schema: { $ref: getSchemaPath(DcatDatasetView) } } },
  })
  @ApiProblems(NOT_APPROVED)
  async dcat(@Context() c: RequestContext, @Param('planId', PLAN_ID) planId: string): Promise<StreamableFile> {
    const { data, modified } = await this.load(c, planId);
    const document = dcatApIt(data, { baseUrl: this.config.PUBLIC_BASE_URL.replace(/\/+$/, ''), modified });
    return new StreamableFile(Buffer.from(`${JSON.stringify(document, null, 2)}\n`), {
      type: 'application/ld+json; charset=utf-8',
      disposition: 'inline; filename="dcat.jsonld"',
    });
  }

  private async load(c: RequestContext, planId: string): Promise<{ data: OpenDataPlan; modified: string }> {
    // Another ente's plan is not found, whoever asks (as on every route naming a plan); then the role.
    const plan = await this.queries.plan(c.actor.ente, planId);
    if (!plan) throw notFound(`plan ${planId}`);
    requireRole(c.actor, PUBLISHERS, 'the transparency export');
    if (plan.state.status !== 'approved' && plan.state.status !== 'closed') {
      throw new ProblemException({
        type: '/problems/plan-not-approved',
        title: 'The plan is not approved',
        status: 409,
        detail: `the plan is ${plan.state.status}: only a plan the Giunta approved is published`,
      });
    }
    const objectives = await this.queries.planObjectives(c.actor.ente, planId);
    const data = openDataOf(
      c.actor.ente,
      plan.state,
      objectives.map((o) => o.state),
      await this.directory.load(c.actor.ente),
    );
    // The last change to what is published: the same export gives the same metadata until something changes.
    const published = new Set(data.obiettivi.map((o) => o.codice));
    const dates = objectives.filter((o) => published.has(o.state.code) && o.lastRecordedAt).map((o) => o.lastRecordedAt!.slice(0, 10));
    const modified = dates.sort().at(-1) ?? plan.state.approvalAct?.date ?? `${plan.state.fromYear}-01-01`;
    return { data, modified };
  }
}
