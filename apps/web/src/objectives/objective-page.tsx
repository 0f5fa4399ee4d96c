import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Badge, Button, Progress } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { SelectField, TextField } from '../forms/text-field';
import { formatDate, formatPercent } from '../format/format';
import { label, t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';

type Objective = components['schemas']['ObjectiveView'];
type TimelineEvent = components['schemas']['ObjectiveTimelineEventView'];

/** An objective: its definition, progress and indicators, what the signed-in person may do, and its timeline. */
export function ObjectivePage() {
  const { objectiveId = '' } = useParams();
  const [objective, setObjective] = useState<Objective>();
  const [timeline, setTimeline] = useState<TimelineEvent[]>();
  const [problem, setProblem] = useState<Problem>();

  const load = useCallback(
    async (after?: string) => {
      const [read, history] = await Promise.all([
        answerOf(api.GET('/objectives/{objectiveId}', { params: { path: { objectiveId } } })),
        answerOf(api.GET('/objectives/{objectiveId}/timeline', { params: { path: { objectiveId }, query: { after } } })),
      ]);
      if (read.problem) return setProblem(read.problem);
      setObjective(read.data);
      if (history.data) setTimeline(history.data.events);
    },
    [objectiveId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  if (!objective) return problem ? <ProblemAlert problem={problem} /> : <p>{t('app.loading')}</p>;
  const definition = objective.definition;
  return (
    <>
      <p>
        <Link to={`/plans/${objective.planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>
        {objective.code} – {definition.title}
      </h1>
      <p>
        <Badge color="primary">{label('objectiveStatus', objective.status)}</Badge> {t('objective.unit')}: {definition.responsibleUnitId}
        {objective.approvalAct ? (
          <> · {t('objective.approvedBy', { number: objective.approvalAct.number, date: formatDate(objective.approvalAct.date) })}</>
        ) : null}
      </p>
      {objective.warnings.length > 0 ? (
        <Alert color="warning">
          <h2 className="h6">{t('objective.warnings')}</h2>
          <ul className="mb-0">
            {objective.warnings.map((w, i) => (
              <li key={`${w.code}-${i}`}>{w.message}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <h2 className="h4 mt-4">{t('objective.phases')}</h2>
      <div className="table-responsive">
        <table className="table table-sm align-middle">
          <thead>
            <tr>
              <th scope="col">{t('objective.phase')}</th>
              <th scope="col">{t('objective.plannedEnd')}</th>
              <th scope="col">{t('objective.weight')}</th>
              <th scope="col">{t('objective.progress')}</th>
            </tr>
          </thead>
          <tbody>
            {definition.phases.map((phase) => {
              const done = objective.progress[phase.id ?? '']?.progressPercent ?? 0;
              return (
                <tr key={phase.id}>
                  <td>{phase.description}</td>
                  <td>{phase.plannedEnd ? formatDate(phase.plannedEnd) : (phase.plannedPeriodText ?? t('objective.nothing'))}</td>
                  <td>{phase.weight ?? t('objective.nothing')}</td>
                  <td style={{ minWidth: '10rem' }}>
                    <Progress value={done} aria-label={t('tree.progressOf', { code: phase.description, value: formatPercent(done) })} />
                    <span className="small">{formatPercent(done)}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2 className="h4 mt-4">{t('objective.indicators')}</h2>
      <div className="table-responsive">
        <table className="table table-sm">
          <thead>
            <tr>
              <th scope="col">{t('objective.indicator')}</th>
              <th scope="col">{t('objective.target')}</th>
              <th scope="col">{t('objective.lastValue')}</th>
            </tr>
          </thead>
          <tbody>
            {definition.indicators.map((indicator) => {
              const values = objective.indicatorValues[indicator.id ?? ''] ?? [];
              const last = values[values.length - 1];
              return (
                <tr key={indicator.id}>
                  <td>{indicator.description}</td>
                  <td>{indicator.target?.text ?? t('objective.nothing')}</td>
                  <td>{last ? t('objective.valueAsOf', { value: last.value, date: formatDate(last.asOf ?? '') }) : t('objective.noValue')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <ObjectiveActions objective={objective} onDone={(position) => void load(position)} />

      <h2 className="h4 mt-4">{t('objective.timeline')}</h2>
      <ol className="list-unstyled">
        {(timeline ?? []).map((event) => (
          <li key={event.eventId} className="border-start border-3 border-primary ps-3 mb-3">
            <strong>{label('event', event.type)}</strong>
            <div className="small">
              {t('objective.timelineEntry', { date: formatDate(event.occurredAt), who: event.actor.name, role: label('role', event.actor.role) })}
            </div>
            {event.act ? <div className="small">{t('objective.act', { number: event.act.number, date: formatDate(event.act.date) })}</div> : null}
            {event.reason ? <div className="small">{t('objective.reason', { reason: event.reason })}</div> : null}
            {(event.changes ?? []).length > 0 ? (
              <ul className="small mb-0">
                {event.changes!.map((c) => (
                  <li key={c.path}>{t('objective.change', { field: c.path, before: shown(c.from), after: shown(c.to) })}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? formatDate(value) : JSON.stringify(value);
}

/** What the signed-in person may do on the objective now; the API decides, the page only offers. */
function ObjectiveActions({ objective, onDone }: { objective: Objective; onDone(position?: string): void }) {
  const { session } = useSession();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [phaseId, setPhaseId] = useState(objective.definition.phases[0]?.id ?? '');
  const [percent, setPercent] = useState('');
  const roles = session?.roles ?? [];
  const objectiveId = objective.objectiveId;
  // Every command carries the revision the page shows: a change by someone else meanwhile is a 409, explained.
  const expectedRevision = objective.revision;

  const run = async (call: () => Promise<{ data?: { position: string | null }; problem?: Problem }>, done: string) => {
    setProblem(undefined);
    setNotice(undefined);
    const outcome = await call();
    if (outcome.problem) return setProblem(outcome.problem);
    setNotice(done);
    onDone(outcome.data?.position ?? undefined);
  };
  const propose = () =>
    run(
      () => answerOf(api.POST('/objectives/{objectiveId}/propose', { params: { path: { objectiveId } }, body: { expectedRevision } })),
      t('objective.proposed'),
    );
  const recordProgress = (event: FormEvent) => {
    event.preventDefault();
    const progressPercent = Number(percent.replace(',', '.'));
    void run(
      () =>
        answerOf(
          api.POST('/objectives/{objectiveId}/phase-progress', {
            params: { path: { objectiveId } },
            body: { phaseId, progressPercent: percent.trim() === '' ? Number.NaN : progressPercent, expectedRevision },
          }),
        ),
      t('objective.recorded'),
    );
  };

  const isDirigente = roles.includes('dirigente');
  const canPropose = isDirigente && (objective.status === 'draft' || objective.status === 'returned');
  const canRecord = isDirigente && objective.status === 'approved';
  // After the last step it offered, the section stays to say what happened.
  if (!canPropose && !canRecord && !notice && !problem) return null;
  return (
    <section className="mt-4" aria-labelledby="objective-actions">
      <h2 id="objective-actions" className="h4">
        {t('objective.actions')}
      </h2>
      <ProblemAlert problem={problem && !problem.errors ? problem : undefined} />
      <Notice text={notice} />
      {canPropose ? (
        <Button color="primary" onClick={() => void propose()}>
          {t('objective.propose')}
        </Button>
      ) : null}
      {canRecord ? (
        <form onSubmit={recordProgress} noValidate className="mt-3">
          <h3 className="h5">{t('objective.recordProgress')}</h3>
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
    </section>
  );
}
