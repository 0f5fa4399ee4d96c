import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { unitNameIn, useOrganisationUnits } from '../organisation/organisation-units';
import { Notice } from '../forms/notice';
import { TextField } from '../forms/text-field';
import { formatDate } from '../format/format';
import { plural, t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';

type QueueItem = components['schemas']['ReviewItemView'];
type Outcome = { data?: { position: string | null }; problem?: Problem };

/**
 * The Segretario's work queue across the ente's plans: objectives proposed (approve with the Giunta's act, or open it
 * to send it back), monitoring and year-end reports submitted (validate, or open it to send it back), reprogrammings
 * proposed (compare and decide): oldest first. Anyone else is told the page is not theirs, and nothing is read.
 */
export function QueuePage() {
  const { session } = useSession();
  const isSegretario = session?.roles.includes('segretario') ?? false;
  const [items, setItems] = useState<QueueItem[]>();
  const unitName = unitNameIn(useOrganisationUnits());
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [acts, setActs] = useState<Record<string, { number: string; date: string }>>({});
  // A refusal belongs to the item it was about (an objective may wait with two: its monitoring and its year-end report).
  const [failed, setFailed] = useState<{ item: string; problem: Problem }>();

  // One call: the API reads the queue from its read models (GET /review-queue), after the position of the last decision.
  const load = useCallback((after?: string | null) => {
    void answerOf(api.GET('/review-queue', { params: { query: after ? { after } : {} } })).then((a) => {
      setProblem(a.problem);
      if (a.data) setItems(a.data.items);
    });
  }, []);
  useEffect(() => {
    if (!isSegretario) return;
    load();
  }, [isSegretario, load]);

  if (!isSegretario) {
    return (
      <>
        <h1>{t('queue.title')}</h1>
        <p>{t('queue.notYours')}</p>
      </>
    );
  }

  const run = async (item: QueueItem, call: Promise<Outcome>, done: string) => {
    setFailed(undefined);
    setNotice(undefined);
    const outcome = await call;
    if (outcome.problem) return setFailed({ item: itemKey(item), problem: outcome.problem });
    setNotice(done);
    load(outcome.data?.position);
  };
  const path = (item: QueueItem) => ({ params: { path: { objectiveId: item.objectiveId } } });
  const approve = (item: QueueItem) => (event: FormEvent) => {
    event.preventDefault();
    const act = acts[item.objectiveId] ?? { number: '', date: '' };
    void run(
      item,
      answerOf(api.POST('/objectives/{objectiveId}/approve', { ...path(item), body: { act, expectedRevision: item.revision } })),
      t('queue.approved', { code: item.code }),
    );
  };
  const validate = (item: QueueItem) =>
    void run(
      item,
      item.kind === 'year-end-report'
        ? answerOf(api.POST('/objectives/{objectiveId}/year-end-report/validate', { ...path(item), body: { expectedRevision: item.revision } }))
        : answerOf(
            api.POST('/objectives/{objectiveId}/monitoring-reports/validate', {
              ...path(item),
              body: { asOf: item.asOf ?? '', expectedRevision: item.revision },
            }),
          ),
      t('queue.validated', { code: item.code }),
    );

  const problemOf = (item: QueueItem) => (failed?.item === itemKey(item) ? failed.problem : undefined);
  const what = (item: QueueItem) =>
    item.kind === 'monitoring-report' ? t('queue.kind.monitoring-report', { date: formatDate(item.asOf ?? '') }) : t(`queue.kind.${item.kind}`);

  return (
    <>
      <h1>{t('queue.title')}</h1>
      <p>{t('queue.intro')}</p>
      <ProblemAlert problem={problem} />
      <Notice text={notice} />
      {items === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {items?.length === 0 ? <p>{t('queue.empty')}</p> : null}
      {items && items.length > 0 ? (
        <>
          <p>{plural('queue.count', items.length)}</p>
          <div className="table-responsive">
            <table className="table table-sm align-middle">
              <caption className="visually-hidden">{t('queue.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('queue.since')}</th>
                  <th scope="col">{t('queue.what')}</th>
                  <th scope="col">{t('queue.plan')}</th>
                  <th scope="col">{t('tree.code')}</th>
                  <th scope="col">{t('tree.objective')}</th>
                  <th scope="col">{t('tree.unit')}</th>
                  <th scope="col">{t('queue.action')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  const key = itemKey(item);
                  const act = acts[item.objectiveId] ?? { number: '', date: '' };
                  const itemProblem = problemOf(item);
                  return (
                    <tr key={key}>
                      <td>{item.since ? formatDate(item.since) : t('objective.nothing')}</td>
                      <td>{what(item)}</td>
                      <td>{item.planTitle}</td>
                      <td>{item.code}</td>
                      <td>
                        <Link to={`/objectives/${item.objectiveId}`}>{item.title}</Link>
                      </td>
                      <td>{unitName(item.responsibleUnitId)}</td>
                      <td style={{ minWidth: '14rem' }}>
                        {itemProblem ? <ProblemAlert problem={itemProblem} subject="objective" shownFields={['act', 'act.number', 'act.date']} /> : null}
                        {item.kind === 'proposal' ? (
                          <form onSubmit={approve(item)} noValidate aria-label={t('queue.approveFor', { code: item.code })}>
                            <TextField
                              label={t('queue.actNumber', { code: item.code })}
                              value={act.number}
                              onChange={(number) => setActs({ ...acts, [item.objectiveId]: { ...act, number } })}
                              error={fieldError(itemProblem, 'act.number') ?? fieldError(itemProblem, 'act')}
                            />
                            <TextField
                              label={t('queue.actDate', { code: item.code })}
                              value={act.date}
                              onChange={(date) => setActs({ ...acts, [item.objectiveId]: { ...act, date } })}
                              error={fieldError(itemProblem, 'act.date')}
                            />
                            <Button color="primary" size="sm" type="submit">
                              {t('queue.approve', { code: item.code })}
                            </Button>
                          </form>
                        ) : item.kind === 'reprogramming' ? (
                          <Link to={`/objectives/${item.objectiveId}/reprogramming`}>{t('queue.compare', { code: item.code })}</Link>
                        ) : item.submittedBy === session?.personId ? (
                          // Their own report: the API would refuse them (self-validation-forbidden); nothing to offer.
                          <span className="small">{t('queue.ownReport')}</span>
                        ) : (
                          <Button color="primary" size="sm" onClick={() => validate(item)}>
                            {item.kind === 'monitoring-report'
                              ? t('queue.validateMonitoring', { code: item.code, date: formatDate(item.asOf ?? '') })
                              : t('queue.validateYearEnd', { code: item.code })}
                          </Button>
                        )}
                        {item.kind !== 'reprogramming' && item.submittedBy !== session?.personId ? (
                          <div className="small mt-1">
                            <Link to={`/objectives/${item.objectiveId}`}>{t('queue.openToReturn', { code: item.code })}</Link>
                          </div>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}

/** One item of the queue: an objective waits at most once per kind, and per date for its monitoring reports. */
function itemKey(item: QueueItem): string {
  return `${item.objectiveId}-${item.kind}-${item.asOf ?? ''}`;
}
