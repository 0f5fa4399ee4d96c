import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { personNameIn, unitNameIn, useOrganisationDirectory } from '../organisation/organisation-units';
import { Notice } from '../forms/notice';
import { TextField } from '../forms/text-field';
import { formatDate } from '../format/format';
import { label, t } from '../i18n/messages';
import { DefinitionForm, definitionFields, definitionOf, valuesOf, type DefinitionValues } from '../objectives/definition-form';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';
import { compareDefinitions } from './compare';
import { ComparisonTable } from './comparison-table';
import { changeText } from '../objectives/timeline-changes';

type Objective = components['schemas']['ObjectiveView'];
type Versions = components['schemas']['ObjectiveVersionsView'];
type Outcome = { data?: { position: string | null }; problem?: Problem };

/** Who may propose a reprogramming: the Segretario, or a dirigente (the API checks they head the responsible unit). */
const mayPropose = (roles: readonly string[]) => roles.includes('segretario') || roles.includes('dirigente');

/**
 * An approved objective's reprogramming: the dirigente proposes a new definition with its reason (the drafting form,
 * prefilled with the definition in force); the Segretario reads the definition in force and the one proposed side by
 * side, and records the Giunta's act that approves it or rejects it with a reason. Below, the versions since the first
 * approval, side by side, with each change's act and motivation.
 */
export function ReprogrammingPage() {
  const { objectiveId = '' } = useParams();
  const { session } = useSession();
  const roles = session?.roles ?? [];
  const [objective, setObjective] = useState<Objective>();
  const [versions, setVersions] = useState<Versions>();
  const { units, people } = useOrganisationDirectory();
  const unitName = unitNameIn(units);
  const personName = personNameIn(people);
  const [values, setValues] = useState<DefinitionValues>();
  const [reason, setReason] = useState('');
  const [act, setAct] = useState({ number: '', date: '' });
  const [rejection, setRejection] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const path = { params: { path: { objectiveId } } };

  const load = useCallback(
    async (after?: string) => {
      const [read, history] = await Promise.all([
        answerOf(api.GET('/objectives/{objectiveId}', { params: { path: { objectiveId } } })),
        answerOf(api.GET('/objectives/{objectiveId}/versions', { params: { path: { objectiveId }, query: { after } } })),
      ]);
      if (read.problem) return setProblem(read.problem);
      setObjective(read.data);
      setValues(valuesOf(read.data.definition));
      if (history.data) setVersions(history.data);
    },
    [objectiveId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  if (!objective || !values) return problem ? <ProblemAlert problem={problem} /> : <p>{t('app.loading')}</p>;
  const expectedRevision = objective.revision;
  const pending = objective.pendingReprogramming;
  const isSegretario = roles.includes('segretario');

  const run = async (call: Promise<Outcome>, done: string) => {
    setProblem(undefined);
    setNotice(undefined);
    const outcome = await call;
    if (outcome.problem) return setProblem(outcome.problem);
    setNotice(done);
    setReason('');
    setRejection('');
    await load(outcome.data?.position ?? undefined);
  };
  const propose = () =>
    void run(
      answerOf(api.POST('/objectives/{objectiveId}/reprogramming', { ...path, body: { definition: definitionOf(values), reason, expectedRevision } })),
      t('reprogramming.proposed'),
    );
  const approve = (event: FormEvent) => {
    event.preventDefault();
    void run(answerOf(api.POST('/objectives/{objectiveId}/reprogramming/approve', { ...path, body: { act, expectedRevision } })), t('reprogramming.approved'));
  };
  const reject = (event: FormEvent) => {
    event.preventDefault();
    void run(
      answerOf(api.POST('/objectives/{objectiveId}/reprogramming/reject', { ...path, body: { reason: rejection, expectedRevision } })),
      t('reprogramming.rejected'),
    );
  };

  const canPropose = !pending && objective.status === 'approved' && mayPropose(roles);
  // A reason or act left out is a lifecycle rule of the API (422 with `rule`): said in this page's words under its field.
  const ruleBroken = (rule: string) => (problem?.status === 422 && problem.rule === rule ? problem : undefined);
  const missingReason = ruleBroken('motivation-required') ?? ruleBroken('reason-required');
  const missingAct = ruleBroken('giunta-act-required');
  const reasonError = missingReason ? t('reprogramming.reasonRequired') : fieldError(problem, 'reason');
  const actError = (field: string) => (missingAct ? t('reprogramming.actRequired') : fieldError(problem, field));
  return (
    <>
      <p>
        <Link to={`/objectives/${objectiveId}`}>{t('edit.back')}</Link>
      </p>
      <h1>{t('reprogramming.title', { code: objective.code, title: objective.definition.title })}</h1>
      {missingReason || missingAct ? null : (
        <ProblemAlert problem={problem} subject="objective" shownFields={['reason', 'act.number', 'act.date', ...definitionFields(values)]} />
      )}
      <Notice text={notice} />

      {pending ? (
        <section className="mt-4" aria-labelledby="pending-reprogramming">
          <h2 id="pending-reprogramming" className="h4">
            {t('reprogramming.pending')}
          </h2>
          <p>{t('reprogramming.motivation', { reason: pending.motivation, who: personName(pending.proposedBy) })}</p>
          <ComparisonTable
            caption={t('reprogramming.caption')}
            beforeLabel={t('reprogramming.inForce')}
            afterLabel={t('reprogramming.proposal')}
            rows={compareDefinitions(objective.definition, pending.definition, unitName)}
          />
          {/* The table shows the fields people read first; the API's own diff lists every change, none left out. */}
          <h3 className="h6 mt-3">{t('reprogramming.allChanges', { count: pending.changes.length })}</h3>
          <ul className="small" data-testid="reprogramming-changes">
            {pending.changes.map((change) => (
              <li key={change.path}>{changeText({ ...change, path: `definition.${change.path}` }, objective.definition)}</li>
            ))}
          </ul>
          {isSegretario ? (
            <div className="row mt-4">
              <form onSubmit={approve} noValidate className="col-md-6">
                <h3 className="h5 mb-4">{t('reprogramming.approveTitle')}</h3>
                <TextField
                  label={t('planActions.actNumber')}
                  value={act.number}
                  onChange={(number) => setAct({ ...act, number })}
                  error={actError('act.number')}
                />
                <TextField label={t('planActions.actDate')} value={act.date} onChange={(date) => setAct({ ...act, date })} error={actError('act.date')} />
                <Button color="primary" type="submit">
                  {t('reprogramming.approve')}
                </Button>
              </form>
              <form onSubmit={reject} noValidate className="col-md-6">
                <h3 className="h5 mb-4">{t('reprogramming.rejectTitle')}</h3>
                <TextField label={t('reprogramming.rejectReason')} value={rejection} onChange={setRejection} error={reasonError} />
                <Button color="danger" outline type="submit">
                  {t('reprogramming.reject')}
                </Button>
              </form>
            </div>
          ) : (
            <p>{t('reprogramming.awaiting')}</p>
          )}
        </section>
      ) : null}

      {canPropose ? (
        <section className="mt-4" aria-labelledby="propose-reprogramming">
          <h2 id="propose-reprogramming" className="h4">
            {t('reprogramming.request')}
          </h2>
          <p>{t('reprogramming.requestHelp')}</p>
          <DefinitionForm
            values={values}
            onChange={setValues}
            units={units}
            problem={problem}
            submitLabel={t('reprogramming.submit')}
            onSubmit={propose}
            after={<TextField label={t('reprogramming.reason')} value={reason} onChange={setReason} error={reasonError} />}
          />
        </section>
      ) : null}
      {!pending && objective.status !== 'approved' ? <p>{t('reprogramming.notApproved', { status: label('objectiveStatus', objective.status) })}</p> : null}
      {!pending && objective.status === 'approved' && !canPropose ? <p>{t('reprogramming.notYours')}</p> : null}

      {versions?.asFirstApproved && versions.changes.length > 0 ? (
        <section className="mt-5" aria-labelledby="versions">
          <h2 id="versions" className="h4">
            {t('versions.title')}
          </h2>
          <ComparisonTable
            caption={t('versions.caption')}
            beforeLabel={t('versions.first', {
              act: versions.approvalAct ? t('objective.act', { number: versions.approvalAct.number, date: formatDate(versions.approvalAct.date) }) : '',
            })}
            afterLabel={t('versions.current')}
            rows={compareDefinitions(versions.asFirstApproved, versions.current, unitName)}
          />
          <h3 className="h5">{t('versions.changes')}</h3>
          <ol>
            {versions.changes.map((change, i) => (
              <li key={`${change.recordedAt}-${i}`}>
                {t(`versions.kind.${change.kind}`)} · {t('versions.approvedOn', { date: formatDate(change.approvedOn) })}
                {change.act ? <> · {t('objective.act', { number: change.act.number, date: formatDate(change.act.date) })}</> : null}
                {change.motivation ? <> · {t('objective.reason', { reason: change.motivation })}</> : null}
                {change.proposedBy ? <> · {t('versions.proposedBy', { who: change.proposedBy.name })}</> : null} ·{' '}
                {t('versions.recordedBy', { who: change.recordedBy.name })}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
    </>
  );
}
