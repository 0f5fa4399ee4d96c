import { useState, type FormEvent } from 'react';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { TextField } from '../forms/text-field';
import { t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';

type Plan = components['schemas']['PlanDetailView'];

/** The Segretario's steps on a plan: present it to the Giunta, then record the Giunta's act that approves it. */
export function PlanActions({ plan, onDone }: { plan: Plan; onDone(position?: string): void }) {
  const { session } = useSession();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [act, setAct] = useState({ number: '', date: '' });
  const offers = session?.roles.includes('segretario') && (plan.status === 'open' || plan.status === 'submitted');
  // After the last step it offered (the act recorded), the section stays to say what happened.
  if (!offers && !notice && !problem) return null;
  const planId = plan.planId;
  const expectedRevision = plan.revision;

  const finish = (outcome: { data?: { position: string | null }; problem?: Problem }, done: string) => {
    if (outcome.problem) return setProblem(outcome.problem);
    setProblem(undefined);
    setNotice(done);
    onDone(outcome.data?.position ?? undefined);
  };
  const submit = async () =>
    finish(await answerOf(api.POST('/plans/{planId}/submit', { params: { path: { planId } }, body: { expectedRevision } })), t('planActions.submitted'));
  const approve = async (event: FormEvent) => {
    event.preventDefault();
    finish(await answerOf(api.POST('/plans/{planId}/approve', { params: { path: { planId } }, body: { act, expectedRevision } })), t('planActions.approved'));
  };

  return (
    <section className="mb-4" aria-labelledby="plan-actions">
      <h2 id="plan-actions" className="h4">
        {t('planActions.title')}
      </h2>
      <ProblemAlert problem={problem} subject="plan" shownFields={['act', 'act.number', 'act.date']} />
      <Notice text={notice} />
      {!offers ? null : plan.status === 'open' ? (
        <Button color="primary" onClick={() => void submit()}>
          {t('planActions.submit')}
        </Button>
      ) : (
        <form onSubmit={(e) => void approve(e)} noValidate>
          <h3 className="h5 mb-4">{t('planActions.recordAct')}</h3>
          <TextField
            label={t('planActions.actNumber')}
            value={act.number}
            onChange={(number) => setAct({ ...act, number })}
            error={fieldError(problem, 'act.number') ?? fieldError(problem, 'act')}
          />
          <TextField label={t('planActions.actDate')} value={act.date} onChange={(date) => setAct({ ...act, date })} error={fieldError(problem, 'act.date')} />
          <Button color="primary" type="submit">
            {t('objective.save')}
          </Button>
        </form>
      )}
    </section>
  );
}
