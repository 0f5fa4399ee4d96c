import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatDate, formatPercent } from '../format/format';
import { t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { BarChartOf, ChartFigure } from './charts';

type Dashboard = components['schemas']['PlanDashboardView'];

const rounded = (value: number) => Math.round(value * 10) / 10;

/**
 * A plan's dashboard (`GET /plans/{planId}/dashboard`, any role): the progress against plan of each responsible unit
 * as a chart with its table, and at each monitoring date how many phases and indicators are behind.
 */
export function DashboardPage() {
  const { planId = '' } = useParams();
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [problem, setProblem] = useState<Problem>();
  useEffect(() => {
    void answerOf(api.GET('/plans/{planId}/dashboard', { params: { path: { planId } } })).then((a) => (a.data ? setDashboard(a.data) : setProblem(a.problem)));
  }, [planId]);
  const unitName = (u: Dashboard['units'][number]) => u.name ?? u.unitId;
  return (
    <>
      <p>
        <Link to={`/plans/${planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>{t('dashboard.title', { plan: dashboard?.title ?? '' })}</h1>
      <ProblemAlert problem={problem} subject="plan" />
      {!dashboard && !problem ? <p>{t('app.loading')}</p> : null}
      {dashboard ? (
        <>
          <h2 className="h4">{t('dashboard.byUnit')}</h2>
          <ChartFigure
            id="units"
            caption={t('dashboard.byUnitCaption')}
            chart={
              <BarChartOf data={dashboard.units.map((u) => ({ label: unitName(u), value: rounded(u.weightedProgressPercent ?? 0) }))} max={100} unit="%" />
            }
            table={
              <table className="table table-sm w-auto">
                <thead>
                  <tr>
                    <th scope="col">{t('dashboard.unit')}</th>
                    <th scope="col">{t('dashboard.objectives')}</th>
                    <th scope="col">{t('dashboard.progress')}</th>
                  </tr>
                </thead>
                <tbody>
                  {dashboard.units.map((u) => (
                    <tr key={u.unitId}>
                      <th scope="row">{unitName(u)}</th>
                      <td>{u.objectives}</td>
                      <td>{u.weightedProgressPercent === null ? t('tree.noProgress') : formatPercent(rounded(u.weightedProgressPercent))}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
          {dashboard.monitoring.length > 0 ? (
            <>
              <h2 className="h4">{t('dashboard.behind')}</h2>
              <ul>
                {dashboard.monitoring.map((m) => (
                  <li key={m.asOf}>
                    {t('dashboard.behindAt', { date: formatDate(m.asOf), phases: m.phasesBehind.length, indicators: m.indicatorsBehind.length })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </>
  );
}
