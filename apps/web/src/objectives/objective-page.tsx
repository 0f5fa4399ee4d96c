import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Badge, Progress } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatDate, formatNumber, formatPercent } from '../format/format';
import { label, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { AsOfField } from '../time-travel/as-of-field';
import { ObjectiveActions } from './objective-actions';
import { IndicatorCharts } from '../charts/indicator-charts';
import { EvaluationReview } from '../scores/evaluation-review';
import { VerifyEventLink } from '../verification/verify-event-link';
import { ObjectiveLinks } from './objective-links';
import { DefinitionWarnings, TargetReadings } from './target-readings';
import { changeText } from './timeline-changes';

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

  if (!objective) return problem ? <ProblemAlert problem={problem} subject="objective" /> : <p>{t('app.loading')}</p>;
  const definition = objective.definition;
  return (
    <>
      <p>
        <Link to={`/plans/${objective.planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>
        {objective.code} – {definition.title}
      </h1>
      <ProblemAlert problem={problem} subject="objective" />
      <p>
        <Badge color="primary">{label('objectiveStatus', objective.status)}</Badge> {t('objective.unit')}: {definition.responsibleUnitId}
        {objective.approvalAct ? (
          <> · {t('objective.approvedBy', { number: objective.approvalAct.number, date: formatDate(objective.approvalAct.date) })}</>
        ) : null}
      </p>
      {objective.evaluation ? (
        <p>
          {t('evaluation.current', {
            percent: formatPercent(objective.evaluation.achievementPercent),
            status: label('evaluationStatus', objective.evaluation.status),
          })}
        </p>
      ) : null}
      <EvaluationReview objective={objective} onDone={(position) => void load(position)} />
      <DefinitionWarnings warnings={objective.warnings} />
      <ObjectiveLinks objective={objective} />
      <AsOfField subject="objective" />

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
                  <td>{phase.weight === undefined || phase.weight === null ? t('objective.nothing') : formatNumber(phase.weight)}</td>
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

      <TargetReadings objectiveId={objective.objectiveId} definition={definition} revision={objective.revision} />
      <IndicatorCharts objective={objective} />

      <ObjectiveActions key={objective.objectiveId} objective={objective} onDone={(position) => void load(position)} />

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
            <VerifyEventLink event={event} />
            {(event.changes ?? []).length > 0 ? (
              <ul className="small mb-0">
                {event.changes!.map((c) => (
                  <li key={c.path}>{changeText(c, definition)}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
