import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Badge, Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { SelectField } from '../forms/text-field';
import { hasMessage, plural, t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';

type Plan = components['schemas']['PlanView'];
type RedFlag = components['schemas']['RedFlagView'];
type Severity = RedFlag['severity'];

const SEVERITY_COLOURS: Record<Severity, string> = { high: 'danger', medium: 'warning', low: 'secondary' };
const SEVERITIES: Severity[] = ['high', 'medium', 'low'];

/** A catalogue text for a kind the API may add later: the API's own kind rather than nothing. */
const text = (key: string, fallback: string) => (hasMessage(key) ? t(key) : fallback);

/**
 * The anticorruption red flags of a plan (`GET /audit/red-flags`, for the NdV, the RPCT, the Segretario and the
 * admin): each with its severity, what the kind means in general (the catalogue) and what was found (the API's own
 * Italian description, dates included), the objective, and the events that prove it, each one a link to verify its
 * inclusion in the signed log. The plan and the severity are in the address, so a list can be sent to a colleague.
 */
export function RedFlagsPage() {
  const [search, setSearch] = useSearchParams();
  const [plans, setPlans] = useState<Plan[]>();
  const [flags, setFlags] = useState<RedFlag[]>();
  const [problem, setProblem] = useState<Problem>();
  const planId = search.get('planId') ?? plans?.[0]?.planId ?? '';
  const severity = (search.get('severity') ?? '') as Severity | '';
  const [choice, setChoice] = useState({ planId: '', severity: '' });

  useEffect(() => {
    void answerOf(api.GET('/plans')).then((a) => (a.data ? setPlans(a.data.items) : setProblem(a.problem)));
  }, []);
  useEffect(() => {
    if (!planId) return;
    setFlags(undefined);
    void answerOf(api.GET('/audit/red-flags', { params: { query: { planId, ...(severity ? { severity } : {}) } } })).then((a) => {
      setProblem(a.problem);
      setFlags(a.data?.items);
    });
  }, [planId, severity]);

  const show = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams({ planId: choice.planId || planId });
    if (choice.severity || severity) next.set('severity', choice.severity || severity);
    if (choice.severity === 'all') next.delete('severity');
    setSearch(next);
  };

  return (
    <>
      <h1>{t('redFlags.title')}</h1>
      <p>{t('redFlags.intro')}</p>
      <ProblemAlert problem={problem} subject="plan" />
      {plans?.length === 0 ? <p>{t('redFlags.noPlans')}</p> : null}
      {plans && plans.length > 0 ? (
        <form onSubmit={show} noValidate className="row align-items-end">
          <div className="col-md-5">
            <SelectField
              label={t('redFlags.plan')}
              value={choice.planId || planId}
              options={plans.map((p) => ({ value: p.planId, label: p.title }))}
              onChange={(value) => setChoice({ ...choice, planId: value })}
            />
          </div>
          <div className="col-md-4">
            <SelectField
              label={t('redFlags.severity')}
              value={choice.severity || severity || 'all'}
              options={[{ value: 'all', label: t('redFlags.anySeverity') }, ...SEVERITIES.map((s) => ({ value: s, label: t(`severity.${s}`) }))]}
              onChange={(value) => setChoice({ ...choice, severity: value })}
            />
          </div>
          <div className="col-md-3 mb-4">
            <Button color="primary" type="submit">
              {t('redFlags.show')}
            </Button>
          </div>
        </form>
      ) : null}
      {planId && flags === undefined && !problem ? <p>{t('app.loading')}</p> : null}
      {flags?.length === 0 ? <p>{t('redFlags.none')}</p> : null}
      {flags && flags.length > 0 ? (
        <>
          <p>{plural('redFlags.count', flags.length)}</p>
          <div className="table-responsive">
            <table className="table align-top">
              <thead>
                <tr>
                  <th scope="col">{t('redFlags.severity')}</th>
                  <th scope="col">{t('redFlags.objective')}</th>
                  <th scope="col">{t('redFlags.kind')}</th>
                  <th scope="col">{t('redFlags.proof')}</th>
                </tr>
              </thead>
              <tbody>
                {flags.map((flag, i) => (
                  <tr key={`${flag.objectiveId}-${flag.kind}-${i}`}>
                    <td>
                      <Badge color={SEVERITY_COLOURS[flag.severity]}>{t(`severity.${flag.severity}`)}</Badge>
                    </td>
                    <td>
                      <Link to={`/objectives/${flag.objectiveId}`}>{flag.code}</Link>
                    </td>
                    <td>
                      <strong>{text(`redFlag.${flag.kind}`, flag.kind)}</strong>
                      <p className="small mb-1">{text(`redFlagHelp.${flag.kind}`, '')}</p>
                      <p className="small mb-0">{t('redFlags.found', { description: flag.description })}</p>
                    </td>
                    <td>
                      {flag.eventIds.length === 0 ? (
                        <span className="small">{t('redFlags.noProof')}</span>
                      ) : (
                        <ul className="list-unstyled small mb-0">
                          {flag.eventIds.map((eventId, n) => (
                            <li key={eventId}>
                              <Link to={`/verification?eventId=${eventId}`}>{t('redFlags.verify', { n: n + 1 })}</Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}
