import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Badge, Button, Progress } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatPercent } from '../format/format';
import { label, plural, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { fieldLabel } from '../problem/field-label';
import { useSession } from '../session/session';
import {
  contentTypeOf,
  progressPercent,
  readImportStream,
  readingText,
  reportOf,
  reportRows,
  rowsText,
  summarise,
  translated,
  type ImportReport,
  type ReportRow,
} from './import-report';

type Plan = components['schemas']['PlanDetailView'];

/** Where the page is: choosing a file, its dry run read, the import under way, done. */
type Stage = 'choosing' | 'checking' | 'checked' | 'importing' | 'imported' | 'refused';

/** The problems that concern the file itself (its kind, its size, its columns): said under the file field. */
const FILE_STATUSES = [400, 413, 415];

/** A key for the real run: a retry of the same run (a lost connection) is answered once, and never imports twice. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `import-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** What is wrong with the file, in Italian, one message per thing the API named. */
function fileErrors(problem: Problem | undefined): string[] {
  if (!problem || !FILE_STATUSES.includes(problem.status)) return [];
  if (problem.status === 413) return [t('import.tooLarge')];
  if (problem.status === 415) return [t('import.wrongType')];
  const errors = problem.errors ?? [];
  if (errors.length === 0) return [problem.detail ?? problem.title];
  return errors.map((e) => {
    const message = translated('import.rule', e.rule, e.message);
    // A column the file lacks or carries badly is named; the body or its type need no name.
    return e.field && !e.field.startsWith('(') && e.field !== 'Content-Type' ? t('problem.field', { field: e.field, message }) : message;
  });
}

/**
 * The Segretario imports the objectives of an open plan from a spreadsheet (XLSX or CSV in the template) or a JSON
 * plan document: a dry run first, whose report is shown objective by objective with the rows it was read from, how
 * each target was read and what refuses or flags it; then the real run, all objectives in one batch or none, with
 * its progress streamed as NDJSON. Anyone else reads the API's refusal instead of a form that cannot work.
 */
export function ImportPage() {
  const { planId = '' } = useParams();
  const { session } = useSession();
  const fieldId = useId();
  const [plan, setPlan] = useState<Plan>();
  const [loadProblem, setLoadProblem] = useState<Problem>();
  const [file, setFile] = useState<File>();
  const [missingFile, setMissingFile] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const [report, setReport] = useState<ImportReport>();
  const [stage, setStage] = useState<Stage>('choosing');
  const [percent, setPercent] = useState(0);
  const idempotencyKey = useRef('');
  const resultHeading = useRef<HTMLHeadingElement>(null);
  const isSegretario = session?.roles.includes('segretario') ?? false;

  useEffect(() => {
    void answerOf(api.GET('/plans/{planId}', { params: { path: { planId } } })).then((a) => (a.problem ? setLoadProblem(a.problem) : setPlan(a.data)));
  }, [planId]);
  // Anyone but the Segretario: the API is asked with a dry run of an empty document, and its refusal is what the
  // page shows (a form would only lead to the same refusal after choosing a file).
  useEffect(() => {
    if (!session || isSegretario) return;
    void answerOf(api.POST('/plans/{planId}/imports', { params: { path: { planId }, query: { dryRun: 'true' } }, body: { objectives: [] } as never })).then(
      (a) => setLoadProblem(a.problem ?? { type: 'about:blank', title: '', status: 403, detail: '' }),
    );
  }, [session, isSegretario, planId]);
  // The report (or the refusal) takes the focus: a screen reader reads where the page went after the button.
  useEffect(() => {
    if (stage === 'checked' || stage === 'imported' || stage === 'refused') resultHeading.current?.focus();
  }, [stage]);

  const send = (dryRun: boolean, chosen: File) => {
    const type = contentTypeOf(chosen);
    const common = {
      body: chosen as never,
      // The file goes as it is, with its own media type (never as JSON text of a File object).
      bodySerializer: (body: unknown) => body as Blob,
    };
    return dryRun
      ? answerOf(api.POST('/plans/{planId}/imports', { ...common, params: { path: { planId }, query: { dryRun: 'true' } }, headers: { 'Content-Type': type } }))
      : answerOf(
          api.POST('/plans/{planId}/imports', {
            ...common,
            params: { path: { planId }, header: { 'Idempotency-Key': idempotencyKey.current } },
            headers: { 'Content-Type': type, Accept: 'application/x-ndjson' },
            parseAs: 'stream',
          }),
        );
  };

  const check = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    setReport(undefined);
    if (!file) return setMissingFile(true);
    setMissingFile(false);
    setStage('checking');
    const answer = await send(true, file);
    if (answer.problem) {
      setProblem(answer.problem);
      setStage('choosing');
      return;
    }
    setReport(answer.data as ImportReport);
    idempotencyKey.current = newIdempotencyKey();
    setStage('checked');
  };

  const runImport = async () => {
    if (!file) return;
    setProblem(undefined);
    setPercent(0);
    setStage('importing');
    const answer = await send(false, file);
    const outcome = answer.problem
      ? { problem: answer.problem }
      : await readImportStream(answer.data as ReadableStream<Uint8Array>, (progress) => setPercent(progressPercent(progress)));
    if (outcome.report) {
      setPercent(100);
      setReport(outcome.report);
      setStage('imported');
      return;
    }
    const refused = reportOf(outcome.problem);
    setProblem(outcome.problem);
    if (refused) setReport(refused);
    setStage(refused ? 'refused' : 'checked');
  };

  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setMissingFile(false);
    setProblem(undefined);
    setReport(undefined);
    setStage('choosing');
  };

  const errors = missingFile ? [t('import.chooseFirst')] : fileErrors(problem);
  const summary = report ? summarise(report) : undefined;
  const title = <h1>{plan ? t('import.titleOf', { plan: plan.title }) : t('import.title')}</h1>;

  if (loadProblem || (session && !isSegretario)) {
    return (
      <>
        {title}
        {loadProblem?.status === 403 ? (
          <div className="alert alert-danger" role="alert">
            <p className="mb-1">{t('problem.forbidden')}</p>
            <p className="mb-0">{t('import.segretarioOnly')}</p>
          </div>
        ) : (
          <ProblemAlert problem={loadProblem} subject="plan" />
        )}
        <Link to={`/plans/${planId}`}>{t('import.backToPlan')}</Link>
      </>
    );
  }
  if (!plan) return title;
  if (plan.status !== 'open' && stage !== 'imported') {
    return (
      <>
        {title}
        <div className="alert alert-warning" role="alert">
          {t('import.planNotOpen', { status: label('planStatus', plan.status) })}
        </div>
        <Link to={`/plans/${planId}`}>{t('import.backToPlan')}</Link>
      </>
    );
  }

  const busy = stage === 'checking' || stage === 'importing';
  return (
    <>
      {title}
      <p>{t('import.intro')}</p>
      <p>
        {t('import.templates')} <a href="/imports/template.xlsx">{t('import.templateXlsx')}</a> · <a href="/imports/template.csv">{t('import.templateCsv')}</a>
      </p>
      <form onSubmit={(e) => void check(e)} noValidate className="mb-4" aria-labelledby={`${fieldId}-heading`}>
        <h2 id={`${fieldId}-heading`} className="h4">
          {t('import.fileSection')}
        </h2>
        <div className="form-group mt-4">
          <label htmlFor={fieldId} className="active">
            {t('import.file')}
          </label>
          <input
            id={fieldId}
            type="file"
            accept=".xlsx,.csv,.json,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv,application/json"
            className={`form-control${errors.length > 0 ? ' is-invalid' : ''}`}
            onChange={(e) => choose(e.target.files?.[0] ?? undefined)}
            disabled={busy}
            {...(errors.length > 0 ? { 'aria-describedby': `${fieldId}-error`, 'aria-invalid': true } : {})}
          />
          {errors.length > 0 ? (
            <div id={`${fieldId}-error`} className="text-danger small mt-1">
              {errors.join(' ')}
            </div>
          ) : null}
        </div>
        <Button color="primary" type="submit" disabled={busy}>
          {t('import.check')}
        </Button>
      </form>
      {problem && !FILE_STATUSES.includes(problem.status) && !reportOf(problem) ? <ProblemAlert problem={problem} subject="plan" /> : null}
      {stage === 'checking' ? <p role="status">{t('import.checking')}</p> : null}

      {report && summary ? (
        <section aria-labelledby={`${fieldId}-report`} className="mb-4">
          <h2 id={`${fieldId}-report`} className="h4" tabIndex={-1} ref={resultHeading}>
            {stage === 'imported' ? t('import.reportApplied') : stage === 'refused' ? t('import.reportRefused') : t('import.reportDryRun')}
          </h2>
          {stage === 'refused' ? (
            <div className="alert alert-danger" role="alert">
              {t('import.refused')}
            </div>
          ) : null}
          {stage === 'imported' ? (
            <div className="alert alert-success" role="status">
              {t('import.done', { created: plural('import.objectives', report.summary.create), unchanged: report.summary.unchanged })}{' '}
              <Link to={`/plans/${planId}`}>{t('import.openTree')}</Link>
            </div>
          ) : null}
          <ul aria-label={t('import.summary')} data-testid="import-summary">
            <li>{plural('import.objectives', summary.objectives)}</li>
            <li>{plural('import.withErrors', summary.withErrors)}</li>
            <li>{plural('import.withWarnings', summary.withWarnings)}</li>
            <li>{plural('import.flaggedTargets', summary.flaggedTargets)}</li>
            {summary.strayErrors > 0 ? <li>{plural('import.strayErrors', summary.strayErrors)}</li> : null}
          </ul>
          <ReportTable report={report} applied={stage === 'imported'} />
        </section>
      ) : null}

      {stage === 'checked' || stage === 'importing' ? (
        <section aria-labelledby={`${fieldId}-run`} className="mb-4">
          <h2 id={`${fieldId}-run`} className="h4">
            {t('import.runSection')}
          </h2>
          <p>{summary?.blocking ? t('import.blocked') : t('import.ready')}</p>
          <Button color="primary" disabled={busy || !summary || summary.blocking} onClick={() => void runImport()}>
            {t('import.run')}
          </Button>
        </section>
      ) : null}
      {stage === 'importing' || stage === 'imported' ? (
        <div className="mb-4">
          <Progress value={percent} aria-label={t('import.progressOf', { value: formatPercent(percent) })} />
          <span className="small">{formatPercent(percent)}</span>
        </div>
      ) : null}
    </>
  );
}

const ACTION_COLOURS: Record<string, string> = { create: 'success', unchanged: 'secondary', refused: 'danger' };

/** The report, one line per objective in the file's order: its rows, what was read, what refuses or flags it. */
function ReportTable({ report, applied }: { report: ImportReport; applied: boolean }) {
  const { rows, strays } = reportRows(report);
  return (
    <>
      {strays.length > 0 ? (
        <div className="alert alert-warning">
          <p className="mb-1">{t('import.strays')}</p>
          <ul className="mb-0">
            {strays.map((i, n) => (
              <li key={n}>{issueText(i)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="table-responsive">
        <table className="table table-sm align-top">
          <caption>{t('import.tableCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.rows')}</th>
              <th scope="col">{t('import.code')}</th>
              <th scope="col">{t('import.objectiveTitle')}</th>
              <th scope="col">{t('import.action')}</th>
              <th scope="col">{t('import.targets')}</th>
              <th scope="col">{t('import.findings')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <ReportLine key={`${row.line.code}-${row.line.rows.join('-')}`} row={row} applied={applied} />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function issueText(issue: components['schemas']['ImportIssueView']): string {
  const where = [issue.row !== undefined ? t('import.row', { row: issue.row }) : null, issue.column ?? null].filter(Boolean).join(', ');
  const text = translated('import.rule', issue.code, issue.message);
  return where ? `${where}: ${text}` : text;
}

function ReportLine({ row, applied }: { row: ReportRow; applied: boolean }) {
  const { line, issues } = row;
  const action = line.action === 'create' && applied ? 'created' : line.action;
  return (
    <tr>
      <td>{rowsText(line.rows)}</td>
      <th scope="row">{line.objectiveId && applied ? <Link to={`/objectives/${line.objectiveId}`}>{line.code}</Link> : line.code}</th>
      <td>{line.title ?? '—'}</td>
      <td>
        <Badge color={ACTION_COLOURS[line.action] ?? 'primary'}>{t(`import.actionOf.${action}` as Parameters<typeof t>[0])}</Badge>
      </td>
      <td>
        {line.targets.length === 0 ? (
          '—'
        ) : (
          <ul className="list-unstyled mb-0">
            {line.targets.map((target, i) => (
              <li key={i}>
                {t('import.targetRead', { text: target.text, reading: readingText(target) })}
                {target.reading.status === 'unread' ? (
                  <>
                    {' '}
                    <Badge color="warning">{t('import.flagged')}</Badge>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        {line.problems.length + line.warnings.length + issues.length === 0 ? (
          t('import.nothingToSay')
        ) : (
          <ul className="mb-0 ps-3">
            {line.problems.map((p, i) => (
              <li key={`p${i}`} className="text-danger">
                {p.field
                  ? t('import.errorOn', { text: translated('import.rule', p.rule, p.message), field: fieldLabel(p.field) })
                  : t('import.error', { text: translated('import.rule', p.rule, p.message) })}
              </li>
            ))}
            {line.warnings.map((w, i) => (
              <li key={`w${i}`}>{t('import.warning', { text: translated('import.warning', w.code, w.message) })}</li>
            ))}
            {issues.map((issue, i) => (
              <li key={`i${i}`} className={issue.severity === 'error' ? 'text-danger' : undefined}>
                {t(`import.severity.${issue.severity}` as Parameters<typeof t>[0], { text: issueText(issue) })}
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
