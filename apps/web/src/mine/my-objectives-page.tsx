import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge, Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { formatDate } from '../format/format';
import { label, plural, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';
import { DeadlineCalendar } from '../calendar/deadline-calendar';
import { monthKey, parseMonth } from '../calendar/month-grid';

type Mine = components['schemas']['PersonObjectivesView'];
type Deadlines = components['schemas']['PersonDeadlinesView'];

/** The dirigente's desk: the objectives of the units they head, and their open deadlines, overdue first. */
export function MyObjectivesPage() {
  const { session } = useSession();
  const [mine, setMine] = useState<Mine>();
  const [deadlines, setDeadlines] = useState<Deadlines>();
  const [problem, setProblem] = useState<Problem>();
  const personId = session?.personId ?? '';
  useEffect(() => {
    void answerOf(api.GET('/people/{personId}/objectives', { params: { path: { personId } } })).then((a) => (a.data ? setMine(a.data) : setProblem(a.problem)));
    void answerOf(api.GET('/people/{personId}/deadlines', { params: { path: { personId } } })).then((a) =>
      a.data ? setDeadlines(a.data) : setProblem(a.problem),
    );
  }, [personId]);

  // The calendar beside the list (the list stays the default); the view and the month are in the address.
  const [search, setSearch] = useSearchParams();
  const calendar = search.get('view') === 'calendar';
  const month = parseMonth(search.get('month')) ?? parseMonth(deadlines?.on) ?? parseMonth(new Date().toISOString().slice(0, 10));
  const showView = (view: 'list' | 'calendar') => setSearch(view === 'calendar' ? { view, ...(month ? { month: monthKey(month) } : {}) } : {});
  const rows = deadlines
    ? [...deadlines.overdue.map((d) => ({ ...d, overdue: true as const })), ...deadlines.upcoming.map((d) => ({ ...d, overdue: false as const }))]
    : [];
  return (
    <>
      <h1>{t('mine.title')}</h1>
      <ProblemAlert problem={problem} />
      {mine === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {mine?.objectives.length === 0 ? <p>{t('mine.noObjectives')}</p> : null}
      {mine && mine.objectives.length > 0 ? (
        <ul>
          {mine.objectives.map((o) => (
            <li key={o.objectiveId} className="mb-2">
              <Link to={`/objectives/${o.objectiveId}`}>
                {o.code} – {o.title}
              </Link>{' '}
              <Badge color="primary">{label('objectiveStatus', o.status)}</Badge>
            </li>
          ))}
        </ul>
      ) : null}

      <h2 className="h3 mt-4">{t('mine.deadlines')}</h2>
      {deadlines && rows.length === 0 ? <p>{t('mine.noDeadlines')}</p> : null}
      {rows.length > 0 ? (
        <div role="group" aria-label={t('calendar.view')} className="mb-3">
          <Button color="primary" size="sm" outline={calendar} aria-pressed={!calendar} className="me-2" onClick={() => showView('list')}>
            {t('calendar.list')}
          </Button>
          <Button color="primary" size="sm" outline={!calendar} aria-pressed={calendar} onClick={() => showView('calendar')}>
            {t('calendar.calendar')}
          </Button>
        </div>
      ) : null}
      {rows.length > 0 && calendar && month ? (
        <DeadlineCalendar deadlines={rows} month={month} onMonth={(m) => setSearch({ view: 'calendar', month: monthKey(m) }, { replace: true })} />
      ) : null}
      {rows.length > 0 && !calendar ? (
        <div className="table-responsive">
          <table className="table table-sm">
            <thead>
              <tr>
                <th scope="col">{t('mine.dueOn')}</th>
                <th scope="col">{t('mine.what')}</th>
                <th scope="col">{t('tree.objective')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={`${d.objectiveId}-${d.kind}-${d.ref}`}>
                  <td>
                    {d.overdue ? (
                      <>
                        <Badge color="danger">{t('mine.overdueBadge')}</Badge>{' '}
                      </>
                    ) : null}
                    {formatDate(d.dueOn)}{' '}
                    <span className="small">
                      ({'daysOverdue' in d ? plural('mine.daysOverdue', d.daysOverdue) : plural('mine.daysLeft', 'daysLeft' in d ? d.daysLeft : 0)})
                    </span>
                  </td>
                  <td>
                    {label('deadline', d.kind)}: {d.description}
                  </td>
                  <td>
                    <Link to={`/objectives/${d.objectiveId}`}>{d.code}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}
