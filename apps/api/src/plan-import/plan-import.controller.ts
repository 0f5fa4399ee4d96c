import { PassThrough } from 'node:stream';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import {
  ImportObjectives,
  ImportRefused,
  PLAN_STREAM,
  planStreamId,
  StreamCommands,
  type ImportItem,
  type ImportOutcome,
  type ImportProgress,
} from '@piao/application';
import { formatPosition } from '@piao/event-store';
import { Context, commandRequest, type RequestContext, type RequestWithContext } from '../commands/request-context';
import { AnswersInLines, NDJSON } from '../idempotency/idempotency.interceptor';
import { RefusalRecords, type Answer } from '../idempotency/refusal-records';
import { requireRole } from '../auth/require-role';
import { ProblemException, toProblem, validationProblem } from '../problem-details/problem';
import { REQUEST_CONTENT } from '../openapi/openapi-conventions';
import { PLAN_ID } from '../validation/route-params';
import { XLSX_TYPE } from '../validation/request-edge';
import { importItems, objectivesOfDocument, PlanDocumentDto, type ReadObjective } from './import-items';
import { IMPORT_FORMATS, IMPORT_SCHEMA_MODELS, ImportReportView, ImportStreamLineView, type ImportIssueView } from './import-report.schemas';
import { objectivesFromRows } from './spreadsheet/rows-to-objectives';
import { readSpreadsheet } from './spreadsheet/spreadsheet-rows';
import { templateCsv, templateXlsx } from './spreadsheet/import-template-file';

type ImportFormat = (typeof IMPORT_FORMATS)[number];

const DRY_RUN = /^(true|false)$/;

@ApiTags('plans')
@ApiBearerAuth()
@ApiExtraModels(...IMPORT_SCHEMA_MODELS, PlanDocumentDto)
@Controller()
export class PlanImportController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: StreamCommands,
    private readonly refusals: RefusalRecords,
  ) {}

  @Post('plans/:planId/imports')
  @HttpCode(200)
  @ApiParam({ name: 'planId', format: 'uuid', description: 'The open plan the objectives go into' })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'], description: '`true`: check and report, write nothing' })
  @ApiExtension(REQUEST_CONTENT, {
    [XLSX_TYPE]: { schema: { type: 'string', format: 'binary', description: 'A workbook in the import template (GET /imports/template.xlsx)' } },
    'text/csv': { schema: { type: 'string', description: 'A table in the import template, UTF-8, `;` or `,` separated (GET /imports/template.csv)' } },
    'application/json': { schema: { $ref: getSchemaPath(PlanDocumentDto) } },
  })
  @ApiOperation({
    operationId: 'importObjectives',
    summary: 'Import the objectives of a plan from a spreadsheet, a CSV table or a JSON plan document',
    description: [
      'Reads the file (by its `Content-Type`: XLSX, CSV or JSON; up to 10 MB) and checks every objective as a draft of it would be checked. With',
      '`dryRun=true` it answers the report and writes nothing: what would be created, what is refused and why (row by row), how each target',
      'was read and which are flagged. Without it, every objective is drafted into the plan in one batch, or none is: any refused objective',
      'is a 422 `import-refused` carrying the same report in `report`. An objective already in the plan with the same definition is',
      '`unchanged`, so importing the same file again changes nothing. docs/plan-import.md describes the template.',
      '',
      'Who: the `segretario`.',
    ].join('\n'),
  })
  @ApiOkResponse({
    description:
      'The report: of the dry run, or of the batch appended. With `Accept: application/x-ndjson`, one JSON object per line as the import goes: `{"progress": …}` lines, then `{"report": …}`, or `{"problem": …}` when it was refused after the answer had started.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ImportReportView) } },
      [NDJSON]: { schema: { $ref: getSchemaPath(ImportStreamLineView) } },
    },
  })
  @AnswersInLines(lastLine)
  async import(
    @Context() c: RequestContext,
    @Param('planId', PLAN_ID) planId: string,
    @Query('dryRun') dryRunText: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Body() body: unknown,
    @Req() request: Request,
  ): Promise<ImportReportView | StreamableFile> {
    if (dryRunText !== undefined && !DRY_RUN.test(dryRunText)) {
      throw validationProblem([{ field: 'dryRun', rule: 'boolean', message: 'dryRun must be true or false' }]);
    }
    const dryRun = dryRunText === 'true';
    // Another ente's plan is not found, whoever asks: its existence is not disclosed by a 403.
    const { state: plan } = await this.streams.loadExisting(PLAN_STREAM, planStreamId(planId), c.actor.ente, planId);
    requireRole(c.actor, ['segretario'], 'importing a plan');
    // A file that is no import at all is refused before any answer starts, streamed or not.
    const file = await readImport(body, contentType, plan);
    const run = (onProgress: (progress: ImportProgress) => void) => this.run(c, planId, dryRun, file, onProgress);
    if (!(accept ?? '').includes(NDJSON)) return run(() => undefined);
    // Streamed: the status is 200 from the start, so what comes after is said in the lines themselves; a refusal is
    // recorded under the Idempotency-Key here, as the interceptor does for an answer that is not streamed.
    const lines = new PassThrough();
    const send = (line: object) => lines.write(`${JSON.stringify(line)}\n`);
    run((progress) => send({ progress }))
      .then((report) => send({ report }))
      .catch(async (error: unknown) => {
        const answer = await this.refusals.answerFor(request as RequestWithContext, error).catch(() => undefined);
        send(answer ? lastLine(answer) : { problem: toProblem(error, request.originalUrl) });
      })
      .finally(() => lines.end());
    return new StreamableFile(lines, { type: NDJSON });
  }

  /** The import, checked and (unless a dry run) appended; a refusal is the 422 `import-refused` with the report. */
  private async run(
    c: RequestContext,
    planId: string,
    dryRun: boolean,
    { format, objectives, issues }: ReadImport,
    onProgress: (progress: ImportProgress) => void,
  ): Promise<ImportReportView> {
    const items = withRowErrors(await importItems(objectives, onProgress), issues);
    // A row that belongs to no objective (no code) and cannot be read: the file is not importable as it is.
    const strays = issues.filter((i) => i.severity === 'error' && !items.some((item) => i.row !== undefined && item.rows.includes(i.row)));
    const render = (outcome: ImportOutcome) => report(planId, format, dryRun, issues, outcome);
    try {
      const command = new ImportObjectives(planId, items, dryRun || strays.length > 0, commandRequest(c, {}, render), onProgress);
      const outcome: ImportOutcome = await this.commands.execute(command);
      if (!dryRun && strays.length > 0) throw new ImportRefused(outcome, `${strays.length} rows cannot be read: nothing was written`);
      return render(outcome);
    } catch (error) {
      if (!(error instanceof ImportRefused)) throw error;
      throw new ProblemException({
        type: '/problems/lifecycle/import-refused',
        title: 'Lifecycle rule broken',
        status: 422,
        detail: error.message,
        rule: 'import-refused',
        report: render(error.outcome),
      });
    }
  }

  @Get('imports/template.xlsx')
  @ApiProduces(XLSX_TYPE)
  @ApiOperation({
    operationId: 'downloadImportTemplateXlsx',
    summary: 'Download the import template as a workbook',
    description: 'The sheet "Obiettivi" with the columns and an example row, and the sheet "Istruzioni" (docs/plan-import.md). Any role.',
  })
  @ApiOkResponse({ description: 'modello-importazione-piano.xlsx', content: { [XLSX_TYPE]: { schema: { type: 'string', format: 'binary' } } } })
  async xlsxTemplate(): Promise<StreamableFile> {
    return new StreamableFile(await templateXlsx(), { type: XLSX_TYPE, disposition: 'attachment; filename="modello-importazione-piano.xlsx"' });
  }

  @Get('imports/template.csv')
  @ApiProduces('text/csv')
  @ApiOperation({
    operationId: 'downloadImportTemplateCsv',
    summary: 'Download the import template as a CSV table',
    description: 'The header row and an example row, `;` separated, UTF-8 with a byte-order mark (as Excel in Italian reads it). Any role.',
  })
  @ApiOkResponse({ description: 'modello-importazione-piano.csv', content: { 'text/csv': { schema: { type: 'string' } } } })
  csvTemplate(@Res({ passthrough: true }) response: Response): string {
    response.type('text/csv; charset=utf-8').attachment('modello-importazione-piano.csv');
    return templateCsv();
  }
}

/** The file as objectives, whatever its format: a file that is no import at all (no body, unreadable, no header) is a 400. */
interface ReadImport {
  format: ImportFormat;
  objectives: ReadObjective[];
  issues: ImportIssueView[];
}

async function readImport(body: unknown, contentType: string | undefined, plan: { fromYear: number; toYear: number }): Promise<ReadImport> {
  const format = formatOf(contentType);
  if (format === 'json') {
    const document = objectivesOfDocument(body);
    if ('errors' in document) throw validationProblem(document.errors);
    return { format, objectives: document.objectives, issues: [] };
  }
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw validationProblem([{ field: '(body)', rule: 'file', message: 'send the file as the body, with its Content-Type' }]);
  }
  const read = await readSpreadsheet(body, format);
  refuseFileErrors(read.issues);
  const { objectives, issues } = objectivesFromRows(read.rows, plan);
  refuseFileErrors(issues); // too many objectives, or none
  return {
    format,
    objectives: objectives.map(({ code, rows, definition }) => ({ code, rows, draft: { code, definition } })),
    issues: [...read.issues, ...issues],
  };
}

/** An error of the file as a whole (no row): unreadable, a column missing, too large, no objective: a 400. */
function refuseFileErrors(issues: ImportIssueView[]): void {
  const errors = issues.filter((i) => i.severity === 'error' && i.row === undefined);
  if (errors.length > 0) throw validationProblem(errors.map((i) => ({ field: i.column ?? '(body)', rule: i.code, message: i.message })));
}

function formatOf(contentType: string | undefined): ImportFormat {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === XLSX_TYPE) return 'xlsx';
  if (type === 'text/csv') {
    const charset = /;\s*charset\s*=\s*"?([^";]+)/i
      .exec(contentType ?? '')?.[1]
      .trim()
      .toLowerCase();
    if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return 'csv';
  }
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'))) return 'json';
  throw new ProblemException({
    type: '/problems/unsupported-media-type',
    title: 'Unsupported media type',
    status: 415,
    detail: `An import is ${XLSX_TYPE}, text/csv (UTF-8) or application/json`,
    errors: [{ field: 'Content-Type', rule: 'media-type', message: `Content-Type must be ${XLSX_TYPE}, text/csv or application/json` }],
  });
}

/** A row that could not be read refuses the objective it belongs to, naming the column. */
function withRowErrors(items: ImportItem[], issues: ImportIssueView[]): ImportItem[] {
  return items.map((item) => {
    const errors = issues.filter((i) => i.severity === 'error' && i.row !== undefined && item.rows.includes(i.row));
    return errors.length === 0
      ? item
      : {
          ...item,
          definition: undefined,
          problems: [...errors.map((i) => ({ field: i.column, rule: i.code, message: `row ${i.row}: ${i.message}` })), ...item.problems],
        };
  });
}

function report(planId: string, format: ImportFormat, dryRun: boolean, issues: ImportIssueView[], outcome: ImportOutcome): ImportReportView {
  const lines = outcome.lines;
  const count = (action: string) => lines.filter((l) => l.action === action).length;
  return {
    planId,
    format,
    dryRun,
    applied: outcome.applied,
    position: outcome.position ? formatPosition(outcome.position) : null,
    summary: {
      objectives: lines.length,
      create: count('create'),
      unchanged: count('unchanged'),
      refused: count('refused'),
      indicators: lines.reduce((n, l) => n + l.targets.length, 0),
      flaggedTargets: lines.reduce((n, l) => n + l.targets.filter((t) => t.reading.status === 'unread').length, 0),
      errors: issues.filter((i) => i.severity === 'error').length,
    },
    issues,
    objectives: lines,
  };
}

/** The last line of a streamed import: its report, or the problem that refused it. */
function lastLine(answer: Answer): object {
  return answer.status < 400 ? { report: answer.body } : { problem: answer.body };
}
