import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { SelectField, TextField } from '../forms/text-field';
import { formatDate, formatValue } from '../format/format';
import { label, t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';

type Entry = components['schemas']['AuditTrailEntryView'];
type EventType = Entry['type'];

const EVENT_TYPES: EventType[] = [
  'ObjectiveDrafted',
  'ObjectiveProposed',
  'ObjectiveReturnedForChanges',
  'ObjectiveApprovedByGiunta',
  'PhaseProgressRecorded',
  'IndicatorValueRecorded',
  'MonitoringReportSubmitted',
  'MonitoringReportValidated',
  'ReprogrammingProposed',
  'ReprogrammingApprovedByGiunta',
  'ResponsibleReassigned',
  'ObjectiveCancelled',
  'YearEndReportSubmitted',
  'YearEndReportValidated',
  'ObjectiveEvaluated',
  'EvaluationShared',
  'EvaluationContested',
  'EvaluationConfirmed',
  'ObjectiveClosed',
];

interface Filters {
  type: string;
  from: string;
  to: string;
  unitId: string;
  personId: string;
}
const NO_FILTERS: Filters = { type: '', from: '', to: '', unitId: '', personId: '' };

/** The query the API takes: empty filters left out. */
function queryOf(filters: Filters) {
  return {
    type: filters.type ? [filters.type as EventType] : undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
    unitId: filters.unitId || undefined,
    personId: filters.personId || undefined,
  };
}

/**
 * The audit trail (NdV, RPCT, Segretario): every objective event of the ente in log order, with who, in which role,
 * when, why, on which act and old → new, filtered, a page at a time, exportable as CSV or JSON with the same filters.
 */
export function AuditTrailPage() {
  const [form, setForm] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [entries, setEntries] = useState<Entry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem>();

  const load = useCallback(async (filters: Filters, cursor?: string) => {
    const answer = await answerOf(api.GET('/audit/trail', { params: { query: { ...queryOf(filters), cursor, limit: 50 } } }));
    if (answer.problem) return setProblem(answer.problem);
    setProblem(undefined);
    setEntries((before) => (cursor ? [...(before ?? []), ...answer.data.items] : answer.data.items));
    setNext(answer.data.next);
  }, []);
  useEffect(() => {
    void load(applied);
  }, [applied, load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(form);
  };
  const exportQuery = new URLSearchParams(
    Object.entries({ ...queryOf(applied), type: applied.type || undefined }).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );

  return (
    <>
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <form onSubmit={apply} noValidate className="row g-3 mb-4" aria-label={t('audit.filters')}>
        <div className="col-md-4">
          <SelectField
            label={t('audit.type')}
            value={form.type}
            options={[{ value: '', label: t('audit.anyType') }, ...EVENT_TYPES.map((type) => ({ value: type, label: label('event', type) }))]}
            onChange={(type) => setForm({ ...form, type })}
          />
        </div>
        <div className="col-md-4">
          <TextField label={t('audit.from')} value={form.from} onChange={(from) => setForm({ ...form, from })} error={fieldError(problem, 'from')} />
        </div>
        <div className="col-md-4">
          <TextField label={t('audit.to')} value={form.to} onChange={(to) => setForm({ ...form, to })} error={fieldError(problem, 'to')} />
        </div>
        <div className="col-md-4">
          <TextField label={t('audit.unit')} value={form.unitId} onChange={(unitId) => setForm({ ...form, unitId })} error={fieldError(problem, 'unitId')} />
        </div>
        <div className="col-md-4">
          <TextField
            label={t('audit.person')}
            value={form.personId}
            onChange={(personId) => setForm({ ...form, personId })}
            error={fieldError(problem, 'personId')}
          />
        </div>
        <div className="col-md-4 d-flex align-items-start">
          <Button color="primary" type="submit">
            {t('audit.apply')}
          </Button>
        </div>
      </form>
      <ProblemAlert problem={problem} shownFields={['from', 'to', 'unitId', 'personId']} />
      <p>
        {t('audit.export')}{' '}
        <a href={`/audit/trail/export?${new URLSearchParams([...exportQuery, ['format', 'csv']])}`} className="me-2">
          CSV
        </a>
        <a href={`/audit/trail/export?${new URLSearchParams([...exportQuery, ['format', 'json']])}`}>JSON</a>
      </p>
      {entries === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {entries?.length === 0 ? <p>{t('audit.none')}</p> : null}
      {entries && entries.length > 0 ? (
        <div className="table-responsive">
          <table className="table table-sm">
            <caption className="visually-hidden">{t('audit.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.when')}</th>
                <th scope="col">{t('tree.objective')}</th>
                <th scope="col">{t('audit.what')}</th>
                <th scope="col">{t('audit.who')}</th>
                <th scope="col">{t('audit.why')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.eventId}>
                  <td>
                    {formatDate(e.occurredAt)}
                    <div className="small">{t('audit.recorded', { date: formatDate(e.recordedAt) })}</div>
                  </td>
                  <td>
                    <Link to={`/objectives/${e.objectiveId}`}>{e.objectiveCode}</Link>
                  </td>
                  <td>
                    {label('event', e.type)}
                    {(e.changes ?? []).length > 0 ? (
                      <ul className="small mb-0">
                        {e.changes!.map((c) => (
                          <li key={c.path}>{t('objective.change', { field: c.path, before: formatValue(c.from), after: formatValue(c.to) })}</li>
                        ))}
                      </ul>
                    ) : null}
                  </td>
                  <td>
                    {e.actor.name} ({label('role', e.actor.role)})
                  </td>
                  <td>
                    {e.reason ?? ''}
                    {e.act ? <div className="small">{t('objective.act', { number: e.act.number, date: formatDate(e.act.date) })}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {next ? (
        <Button color="primary" outline onClick={() => void load(applied, next)}>
          {t('audit.more')}
        </Button>
      ) : null}
    </>
  );
}
