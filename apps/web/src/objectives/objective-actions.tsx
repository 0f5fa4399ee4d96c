import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { SelectField, TextField } from '../forms/text-field';
import { formatDate, parseDecimal } from '../format/format';
import { t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { readsTheHistory, useSession } from '../session/session';
import { ReportForm, type ReportValues } from './report-form';

type Objective = components['schemas']['ObjectiveView'];
/** The fields the forms below show their errors beside; any other field error goes in the alert above them. */
const SHOWN_FIELDS = [
  'progressPercent',
  'phaseId',
  'asOf',
  'achievementPercent',
  'reason',
  ...Array.from({ length: 50 }, (_, i) => `phases.${i}.progressPercent`),
];
const isSegretarioOf = (roles: readonly string[]) => roles.includes('segretario');
type Outcome = { data?: { position: string | null }; problem?: Problem };

/**
 * What the signed-in person may do on the objective now, by role and status: the dirigente's proposal, progress,
 * indicator values and reports; the Segretario's validations; the NdV's evaluation; a dossier for those who audit.
 * The API decides (roles, units, segregation of duties); the page only offers what fits, and shows the refusal.
 */
export function ObjectiveActions({ objective, onDone }: { objective: Objective; onDone(position?: string): void }) {
  const { session } = useSession();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [phaseId, setPhaseId] = useState(objective.definition.phases[0]?.id ?? '');
  const [percent, setPercent] = useState('');
  const [evaluation, setEvaluation] = useState({ achievement: '', reason: '' });
  const roles = session?.roles ?? [];
  const objectiveId = objective.objectiveId;
  const path = { params: { path: { objectiveId } } };
  // Every command carries the revision the page shows: a change by someone else meanwhile is a 409, explained.
  const expectedRevision = objective.revision;

  const run = async (call: Promise<Outcome>, done: string) => {
    setProblem(undefined);
    setNotice(undefined);
    const outcome = await call;
    if (outcome.problem) return setProblem(outcome.problem);
    setNotice(done);
    onDone(outcome.data?.position ?? undefined);
  };
  const propose = () => run(answerOf(api.POST('/objectives/{objectiveId}/propose', { ...path, body: { expectedRevision } })), t('objective.proposed'));
  const recordProgress = (event: FormEvent) => {
    event.preventDefault();
    void run(
      answerOf(api.POST('/objectives/{objectiveId}/phase-progress', { ...path, body: { phaseId, progressPercent: parseDecimal(percent), expectedRevision } })),
      t('objective.recorded'),
    );
  };
  const monitoring = (values: ReportValues) =>
    void run(
      answerOf(
        api.POST('/objectives/{objectiveId}/monitoring-reports', {
          ...path,
          body: { asOf: values.asOf ?? '', phases: values.phases, indicators: values.indicators, expectedRevision },
        }),
      ),
      t('report.monitoringSubmitted'),
    );
  const yearEnd = (values: ReportValues) =>
    void run(
      answerOf(
        api.POST('/objectives/{objectiveId}/year-end-report', { ...path, body: { phases: values.phases, indicators: values.indicators, expectedRevision } }),
      ),
      t('report.yearEndSubmitted'),
    );
  const validateMonitoring = (asOf: string) =>
    run(
      answerOf(api.POST('/objectives/{objectiveId}/monitoring-reports/validate', { ...path, body: { asOf, expectedRevision } })),
      t('report.monitoringValidated'),
    );
  const validateYearEnd = () =>
    run(answerOf(api.POST('/objectives/{objectiveId}/year-end-report/validate', { ...path, body: { expectedRevision } })), t('report.yearEndValidated'));
  const evaluate = (event: FormEvent) => {
    event.preventDefault();
    void run(
      answerOf(
        api.POST('/objectives/{objectiveId}/evaluation', {
          ...path,
          body: { achievementPercent: parseDecimal(evaluation.achievement), reason: evaluation.reason, expectedRevision },
        }),
      ),
      t('evaluation.recorded'),
    );
  };
  // What the Segretario may send back to the unit, with a reason: the proposal, a submitted report.
  const returnables = isSegretarioOf(roles)
    ? [
        ...(objective.status === 'proposed' ? [{ value: 'objective', label: t('return.objective') }] : []),
        ...Object.entries(objective.monitoringReports)
          .filter(([, r]) => r.status === 'submitted')
          .map(([asOf]) => ({ value: `monitoring:${asOf}`, label: t('return.monitoring', { date: formatDate(asOf) }) })),
        ...(objective.yearEndReport?.status === 'submitted' ? [{ value: 'year-end', label: t('return.yearEnd') }] : []),
      ]
    : [];
  const [returning, setReturning] = useState({ what: '', reason: '' });
  const sendBack = (event: FormEvent) => {
    event.preventDefault();
    const what = returning.what || returnables[0]?.value;
    const reason = returning.reason;
    const call =
      what === 'objective'
        ? api.POST('/objectives/{objectiveId}/return', { ...path, body: { reason, expectedRevision } })
        : what === 'year-end'
          ? api.POST('/objectives/{objectiveId}/year-end-report/return', { ...path, body: { reason, expectedRevision } })
          : api.POST('/objectives/{objectiveId}/monitoring-reports/return', {
              ...path,
              body: { asOf: (what ?? '').replace('monitoring:', ''), reason, expectedRevision },
            });
    void run(answerOf(call), t('return.done'));
  };
  const share = () => run(answerOf(api.POST('/objectives/{objectiveId}/evaluation/share', { ...path, body: { expectedRevision } })), t('evaluation.shared'));

  const status = objective.status;
  const isDirigente = roles.includes('dirigente');
  const isSegretario = roles.includes('segretario');
  const isNucleo = roles.includes('nucleo');
  // The API lets the Segretario propose too (a draft the office prepared); a dirigente only for their unit's objectives.
  const canPropose = (isDirigente || isSegretario) && (status === 'draft' || status === 'returned');
  const canReport = isDirigente && status === 'approved';
  const canReportYearEnd = canReport && (objective.yearEndReport === null || objective.yearEndReport.status === 'returned');
  const monitoringToValidate = isSegretario ? Object.entries(objective.monitoringReports).filter(([, r]) => r.status === 'submitted') : [];
  const canValidateYearEnd = isSegretario && objective.yearEndReport?.status === 'submitted';
  const canEvaluate = isNucleo && status === 'reported';
  const canShare = isNucleo && objective.evaluation?.status === 'evaluated';
  const canAskDossier = readsTheHistory(roles);
  const offers =
    returnables.length > 0 || canPropose || canReport || monitoringToValidate.length > 0 || canValidateYearEnd || canEvaluate || canShare || canAskDossier;
  // After the last step it offered, the section stays to say what happened.
  if (!offers && !notice && !problem) return null;
  return (
    <section className="mt-4" aria-labelledby="objective-actions">
      <h2 id="objective-actions" className="h4">
        {t('objective.actions')}
      </h2>
      <ProblemAlert problem={problem} subject="objective" shownFields={SHOWN_FIELDS} />
      <Notice text={notice} />
      {canPropose ? (
        <Button color="primary" onClick={() => void propose()}>
          {t('objective.propose')}
        </Button>
      ) : null}
      {canReport ? (
        <form onSubmit={recordProgress} noValidate className="mt-4">
          <h3 className="h5 mb-4">{t('objective.recordProgress')}</h3>
          <SelectField
            label={t('objective.phase')}
            value={phaseId}
            options={objective.definition.phases.map((p) => ({ value: p.id ?? '', label: p.description }))}
            onChange={setPhaseId}
          />
          <TextField
            label={t('objective.progressPercent')}
            value={percent}
            onChange={setPercent}
            inputMode="decimal"
            error={fieldError(problem, 'progressPercent') ?? fieldError(problem, 'phaseId')}
          />
          <Button color="primary" type="submit">
            {t('objective.save')}
          </Button>
        </form>
      ) : null}
      {/* Keyed by revision: prefilled again with what was just recorded (a phase's progress) once the objective changes. */}
      {canReport ? (
        <ReportForm
          key={`monitoring-${objective.revision}`}
          objective={objective}
          title={t('report.monitoringTitle')}
          withDate={`31/07/${objective.definition.horizon.fromYear}`}
          problem={problem}
          onSubmit={monitoring}
        />
      ) : null}
      {canReportYearEnd ? (
        <ReportForm key={`year-end-${objective.revision}`} objective={objective} title={t('report.yearEndTitle')} problem={problem} onSubmit={yearEnd} />
      ) : null}
      {monitoringToValidate.map(([asOf]) => (
        <Button key={asOf} color="primary" className="me-2 mt-2" onClick={() => void validateMonitoring(asOf)}>
          {t('report.validateMonitoring', { date: formatDate(asOf) })}
        </Button>
      ))}
      {canValidateYearEnd ? (
        <Button color="primary" className="mt-2" onClick={() => void validateYearEnd()}>
          {t('report.validateYearEnd')}
        </Button>
      ) : null}
      {returnables.length > 0 ? (
        <form onSubmit={sendBack} noValidate className="mt-4">
          <h3 className="h5 mb-4">{t('return.title')}</h3>
          {returnables.length > 1 ? (
            <SelectField
              label={t('return.what')}
              value={returning.what || returnables[0].value}
              options={returnables}
              onChange={(what) => setReturning({ ...returning, what })}
            />
          ) : (
            <p>{returnables[0].label}</p>
          )}
          <TextField
            label={t('return.reason')}
            value={returning.reason}
            onChange={(reason) => setReturning({ ...returning, reason })}
            error={fieldError(problem, 'reason')}
          />
          <Button color="primary" outline type="submit">
            {t('return.submit')}
          </Button>
        </form>
      ) : null}
      {canEvaluate ? (
        <form onSubmit={evaluate} noValidate className="mt-4">
          <h3 className="h5 mb-4">{t('evaluation.title')}</h3>
          <TextField
            label={t('evaluation.achievement')}
            value={evaluation.achievement}
            inputMode="decimal"
            onChange={(achievement) => setEvaluation({ ...evaluation, achievement })}
            error={fieldError(problem, 'achievementPercent')}
          />
          <TextField
            label={t('evaluation.reason')}
            value={evaluation.reason}
            onChange={(reason) => setEvaluation({ ...evaluation, reason })}
            error={fieldError(problem, 'reason')}
          />
          <Button color="primary" type="submit">
            {t('evaluation.submit')}
          </Button>
        </form>
      ) : null}
      {canShare ? (
        <Button color="primary" className="mt-2" onClick={() => void share()}>
          {t('evaluation.share')}
        </Button>
      ) : null}
      {canAskDossier ? (
        <p className="mt-3">
          <Link to={`/dossiers?kind=objective&id=${objectiveId}`}>{t('dossier.askForObjective')}</Link>
        </p>
      ) : null}
    </section>
  );
}
