import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Alert, Badge } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { unitNameIn, useOrganisationUnits } from '../organisation/organisation-units';
import { formatDate, formatPercent } from '../format/format';
import { label, plural, t } from '../i18n/messages';
import { ObjectivePage } from '../objectives/objective-page';
import { PlanTreePage } from '../plans/plan-tree-page';
import { ProblemAlert } from '../problem/problem-view';
import { AS_OF_PARAM, AsOfField } from './as-of-field';

type PlanAsOf = components['schemas']['PlanAsOfView'];
type ObjectiveAsOf = components['schemas']['ObjectiveAsOfView'] | components['schemas']['ObjectiveNotYetView'];

/** "Vista al 02/12/2026", and the way back to today: a past view is never taken for the present. */
function PastBanner({ date, today }: { date: string; today: string }) {
  return (
    <Alert color="info" role="note">
      <strong>{t('asOf.banner', { date: formatDate(date) })}</strong> {t('asOf.readOnly')} <Link to={today}>{t('asOf.backToToday')}</Link>
    </Alert>
  );
}

function useUnits(): (unitId: string) => string {
  return unitNameIn(useOrganisationUnits());
}

/** The plan as it stood at the end of a day: read only, its objectives as they were (those not yet drafted absent). */
function PlanAsOfPage({ planId, date }: { planId: string; date: string }) {
  const [plan, setPlan] = useState<PlanAsOf>();
  const [problem, setProblem] = useState<Problem>();
  const unitName = useUnits();
  useEffect(() => {
    setPlan(undefined);
    setProblem(undefined);
    void answerOf(api.GET('/plans/{planId}/as-of', { params: { path: { planId }, query: { date } } })).then((a) =>
      a.problem ? setProblem(a.problem) : setPlan(a.data),
    );
  }, [planId, date]);
  const objectives = (plan?.objectives ?? []).filter((o) => o.existed);
  return (
    <>
      <h1>{plan?.title ?? t('tree.title')}</h1>
      <PastBanner date={date} today={`/plans/${planId}`} />
      <AsOfField key={date} subject="plan" current={date} problem={problem} />
      <ProblemAlert problem={problem} subject="plan" shownFields={['date']} />
      {!plan && !problem ? <p>{t('app.loading')}</p> : null}
      {plan && !plan.existed ? <p>{t('asOf.planNotYet')}</p> : null}
      {plan?.existed ? (
        <>
          <p>
            {plan.status ? <Badge color={plan.status === 'approved' ? 'success' : 'secondary'}>{label('planStatus', plan.status)}</Badge> : null}{' '}
            {plan.approvalAct ? t('tree.approvedBy', { number: plan.approvalAct.number, date: formatDate(plan.approvalAct.date) }) : null}{' '}
            {plural('tree.objectives', objectives.length)}
          </p>
          {objectives.length === 0 ? (
            <p>{t('tree.empty')}</p>
          ) : (
            <div className="table-responsive">
              <table className="table table-sm align-middle">
                <caption>{t('asOf.caption', { date: formatDate(date) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('tree.code')}</th>
                    <th scope="col">{t('tree.objective')}</th>
                    <th scope="col">{t('tree.unit')}</th>
                    <th scope="col">{t('tree.status')}</th>
                    <th scope="col">{t('asOf.place')}</th>
                  </tr>
                </thead>
                <tbody>
                  {objectives.map((o) => (
                    <tr key={o.objectiveId}>
                      <td>{o.code}</td>
                      <td>
                        <Link to={`/objectives/${o.objectiveId}?${AS_OF_PARAM}=${date}`}>{o.title}</Link>
                      </td>
                      <td>{o.responsibleUnitId ? unitName(o.responsibleUnitId) : t('objective.nothing')}</td>
                      <td>{o.status ? label('objectiveStatus', o.status) : t('objective.nothing')}</td>
                      <td>
                        {[o.definition?.place?.publicValueArea, o.definition?.place?.strategicLine].filter(Boolean).join(' › ') || t('objective.nothing')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}

/** The objective as it stood at the end of a day: definition, status, act; read only. */
function ObjectiveAsOfPage({ objectiveId, date }: { objectiveId: string; date: string }) {
  const [objective, setObjective] = useState<ObjectiveAsOf>();
  const [problem, setProblem] = useState<Problem>();
  const unitName = useUnits();
  useEffect(() => {
    setObjective(undefined);
    setProblem(undefined);
    void answerOf(api.GET('/objectives/{objectiveId}/as-of', { params: { path: { objectiveId }, query: { date } } })).then((a) =>
      a.problem ? setProblem(a.problem) : setObjective(a.data),
    );
  }, [objectiveId, date]);
  const then = objective?.existed ? objective : undefined;
  return (
    <>
      {then ? (
        <p>
          <Link to={`/plans/${then.planId}?${AS_OF_PARAM}=${date}`}>{t('asOf.planThen')}</Link>
        </p>
      ) : null}
      <h1>{then ? `${then.code} – ${then.definition.title}` : t('asOf.objectiveTitle')}</h1>
      <PastBanner date={date} today={`/objectives/${objectiveId}`} />
      <AsOfField key={date} subject="objective" current={date} problem={problem} />
      <ProblemAlert problem={problem} subject="objective" shownFields={['date']} />
      {!objective && !problem ? <p>{t('app.loading')}</p> : null}
      {objective && !objective.existed ? <p>{t('asOf.objectiveNotYet')}</p> : null}
      {then ? (
        <>
          <p>
            <Badge color="primary">{label('objectiveStatus', then.status)}</Badge> {t('objective.unit')}: {unitName(then.definition.responsibleUnitId)}
            {then.approvalAct ? <> · {t('objective.approvedBy', { number: then.approvalAct.number, date: formatDate(then.approvalAct.date) })}</> : null}
          </p>
          <h2 className="h4 mt-4">{t('objective.phases')}</h2>
          <ul>
            {then.definition.phases.map((p) => (
              <li key={p.id}>
                {p.description}
                {p.plannedEnd ? ` – ${t('objective.plannedEnd')}: ${formatDate(p.plannedEnd)}` : ''}
                {` – ${t('objective.progress')}: ${formatPercent(then.progress[p.id ?? '']?.progressPercent ?? 0)}`}
              </li>
            ))}
          </ul>
          <h2 className="h4 mt-4">{t('objective.indicators')}</h2>
          <ul>
            {then.definition.indicators.map((i) => (
              <li key={i.id}>
                {i.description} – {t('objective.target')}: {i.target?.text ?? t('objective.nothing')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

/** A plan's page: today's tree, or with `?al=` the plan as it stood that day. */
export function PlanRoute() {
  const { planId = '' } = useParams();
  const [search] = useSearchParams();
  const date = search.get(AS_OF_PARAM);
  return date ? <PlanAsOfPage planId={planId} date={date} /> : <PlanTreePage />;
}

/** An objective's page: as it stands, or with `?al=` as it stood that day. */
export function ObjectiveRoute() {
  const { objectiveId = '' } = useParams();
  const [search] = useSearchParams();
  const date = search.get(AS_OF_PARAM);
  return date ? <ObjectiveAsOfPage objectiveId={objectiveId} date={date} /> : <ObjectivePage />;
}
