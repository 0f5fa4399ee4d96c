import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Badge, Progress } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api, asProblem } from '../api/api';
import { formatDate, formatPercent } from '../format/format';
import { label, plural, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { readsTheHistory, useSession } from '../session/session';
import { AsOfField } from '../time-travel/as-of-field';
import { PlanActions } from './plan-actions';
import { planTree } from './plan-tree';
import { publishes, TransparencyLinks } from '../transparency/transparency-links';

type Plan = components['schemas']['PlanDetailView'];
type Objective = components['schemas']['PlanObjectiveListItemView'];

const STATUS_COLOURS: Record<string, string> = { approved: 'success', closed: 'dark', cancelled: 'danger', returned: 'warning', draft: 'secondary' };

/** Every objective of the plan, page after page of the list (200 at a time). */
async function allObjectives(planId: string, after?: string): Promise<Objective[]> {
  const objectives: Objective[] = [];
  let cursor: string | undefined;
  do {
    const { data, error, response } = await api.GET('/plans/{planId}/objectives', { params: { path: { planId }, query: { limit: 200, cursor, after } } });
    if (!data) throw asProblem(error, response.status);
    objectives.push(...data.items);
    cursor = data.next ?? undefined;
  } while (cursor);
  return objectives;
}

/** The plan's tree: areas of Valore Pubblico, their strategic lines, and each objective's status and progress. */
export function PlanTreePage() {
  const { planId = '' } = useParams();
  const { session } = useSession();
  const [plan, setPlan] = useState<Plan>();
  const [objectives, setObjectives] = useState<Objective[]>();
  const [problem, setProblem] = useState<Problem>();
  const load = useCallback(
    (after?: string) => {
      void answerOf(api.GET('/plans/{planId}', { params: { path: { planId } } })).then((a) => {
        if (a.problem) return setProblem(a.problem);
        setPlan(a.data);
        setProblem(undefined);
      });
      allObjectives(planId, after).then(setObjectives, (error: unknown) => setProblem(asProblem(error, 0)));
    },
    [planId],
  );
  useEffect(() => load(), [load]);

  const tree = objectives ? planTree(objectives) : [];
  return (
    <>
      <h1>{plan?.title ?? t('tree.title')}</h1>
      <ProblemAlert problem={problem} subject="plan" />
      {plan ? (
        <p>
          <Badge color={plan.status === 'approved' ? 'success' : 'secondary'}>{label('planStatus', plan.status)}</Badge>{' '}
          {plan.approvalAct ? t('tree.approvedBy', { number: plan.approvalAct.number, date: formatDate(plan.approvalAct.date) }) : null}{' '}
          {objectives ? plural('tree.objectives', objectives.length) : null}
        </p>
      ) : null}
      {plan ? <PlanActions plan={plan} onDone={load} /> : null}
      <AsOfField subject="plan" />
      {session?.roles.some((r) => r === 'dirigente' || r === 'segretario') && plan?.status !== 'closed' ? (
        <p>
          <Link to={`/plans/${planId}/new`} className="btn btn-primary btn-sm">
            {t('draft.new')}
          </Link>
          {session.roles.includes('segretario') && plan?.status === 'open' ? (
            <Link to={`/plans/${planId}/import`} className="btn btn-outline-primary btn-sm ms-2">
              {t('import.link')}
            </Link>
          ) : null}
        </p>
      ) : null}
      {readsTheHistory(session?.roles ?? []) ? (
        <p>
          <Link to={`/dossiers?kind=plan&id=${planId}`}>{t('dossier.askForPlan')}</Link>
        </p>
      ) : null}
      {/* Any role of the ente may read the scores and the dashboard (their charts load only there). */}
      <ul className="list-inline">
        <li className="list-inline-item">
          <Link to={`/plans/${planId}/scores`}>{t('scores.link')}</Link>
        </li>
        <li className="list-inline-item">
          <Link to={`/plans/${planId}/dashboard`}>{t('dashboard.link')}</Link>
        </li>
      </ul>
      {plan && publishes(session?.roles ?? []) ? <TransparencyLinks planId={planId} status={plan.status} /> : null}
      {objectives === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {objectives?.length === 0 ? <p>{t('tree.empty')}</p> : null}
      {tree.map((area, i) => (
        <section key={area.area ?? ''} className="mb-5" aria-labelledby={`area-${i}`}>
          <h2 id={`area-${i}`} className="h3">
            {area.area ?? t('tree.noArea')}
          </h2>
          {area.progressPercent !== null ? (
            <p className="mb-2">
              {t('tree.progress')}: {formatPercent(Math.round(area.progressPercent * 10) / 10)}
            </p>
          ) : null}
          {area.lines.map((line) => (
            <div key={line.line ?? ''} className="mb-4">
              <h3 className="h5">{line.line ?? t('tree.noLine')}</h3>
              <div className="table-responsive">
                <table className="table table-sm align-middle">
                  <thead>
                    <tr>
                      <th scope="col">{t('tree.code')}</th>
                      <th scope="col">{t('tree.objective')}</th>
                      <th scope="col">{t('tree.unit')}</th>
                      <th scope="col">{t('tree.status')}</th>
                      <th scope="col">{t('tree.progress')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {line.objectives.map((o) => (
                      <tr key={o.objectiveId}>
                        <td>{o.code}</td>
                        <td>
                          <Link to={`/objectives/${o.objectiveId}`}>{o.title}</Link>
                        </td>
                        <td>{o.responsibleUnitId}</td>
                        <td>
                          <Badge color={STATUS_COLOURS[o.status] ?? 'primary'}>{label('objectiveStatus', o.status)}</Badge>
                        </td>
                        <td style={{ minWidth: '10rem' }}>
                          {o.phasesPercent === null ? (
                            t('tree.noProgress')
                          ) : (
                            <>
                              <Progress value={o.phasesPercent} aria-label={t('tree.progressOf', { code: o.code, value: formatPercent(o.phasesPercent) })} />
                              <span className="small">{formatPercent(o.phasesPercent)}</span>
                            </>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
          ))}
        </section>
      ))}
    </>
  );
}
