import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { Notice } from '../forms/notice';
import { TextField } from '../forms/text-field';
import { formatNumber, parseDecimal } from '../format/format';
import { t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';
import { bandOf, scoreOf, type ScoreScale } from './score-bands';
import { bandName } from './band-text';

type Objective = components['schemas']['ObjectiveView'];

/**
 * The NdV's evaluation on the objective's page, past its percentage: its band and score on the ente's SMVP, a
 * contested evaluation marked in words, the dirigente's contest of a shared evaluation (with a reason) and the NdV's
 * decision on a contested one (the same or another achievement, with a reason: final). The API decides who may
 * (`WHO.contest`: the head of the responsible unit; the NdV, never on their own unit); the page offers by role and
 * status and shows the refusal.
 */
export function EvaluationReview({ objective, onDone }: { objective: Objective; onDone(position?: string): void }) {
  const { session } = useSession();
  const [scale, setScale] = useState<ScoreScale>();
  const [problem, setProblem] = useState<Problem>();
  const [notice, setNotice] = useState<string>();
  const [reason, setReason] = useState('');
  const evaluation = objective.evaluation;
  const [achievement, setAchievement] = useState(evaluation ? formatNumber(evaluation.achievementPercent) : '');
  const planId = objective.planId;
  useEffect(() => {
    // The scores carry the scoring system in force (the API has no GET of the SMVP itself).
    if (evaluation)
      void answerOf(api.GET('/plans/{planId}/scores', { params: { path: { planId } } })).then((a) => a.data && setScale(a.data.scoringSystem.scale));
  }, [planId, evaluation]);
  if (!evaluation) return null;

  const roles = session?.roles ?? [];
  const canContest = roles.includes('dirigente') && evaluation.status === 'shared';
  const canConfirm = roles.includes('nucleo') && evaluation.status === 'contested';
  const path = { params: { path: { objectiveId: objective.objectiveId } } };
  const expectedRevision = objective.revision;
  const run = async (call: Promise<{ data?: { position: string | null }; problem?: Problem }>, done: string) => {
    setProblem(undefined);
    setNotice(undefined);
    const outcome = await call;
    if (outcome.problem) return setProblem(outcome.problem);
    setNotice(done);
    setReason('');
    onDone(outcome.data?.position ?? undefined);
  };
  const contest = (event: FormEvent) => {
    event.preventDefault();
    void run(answerOf(api.POST('/objectives/{objectiveId}/evaluation/contest', { ...path, body: { reason, expectedRevision } })), t('contest.done'));
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(
      answerOf(
        api.POST('/objectives/{objectiveId}/evaluation/confirm', {
          ...path,
          body: { achievementPercent: parseDecimal(achievement), reason, expectedRevision },
        }),
      ),
      t('confirm.done'),
    );
  };
  const band = scale ? bandOf(evaluation.achievementPercent, scale) : undefined;
  // A missing reason is the domain's rule (422 `reason-required`): this page says it in its own words, under the reason.
  const missingReason = problem?.rule === 'reason-required';
  const reasonError = missingReason ? t('contest.reasonRequired') : fieldError(problem, 'reason');
  return (
    <>
      {scale ? (
        <p data-testid="evaluation-band">
          {band
            ? t('scores.evaluationBand', { band: bandName(band), score: formatNumber(band.score) })
            : t('scores.evaluationScore', { score: formatNumber(scoreOf(evaluation.achievementPercent, scale)) })}
        </p>
      ) : null}
      {evaluation.status === 'contested' ? (
        <Alert color="warning" data-testid="evaluation-contested">
          {t('contest.marked')}
        </Alert>
      ) : null}
      {missingReason ? null : <ProblemAlert problem={problem} subject="objective" shownFields={['reason', 'achievementPercent']} />}
      <Notice text={notice} />
      {canContest ? (
        <form onSubmit={contest} noValidate className="mb-4" aria-labelledby="contest-title">
          <h2 id="contest-title" className="h5 mb-3">
            {t('contest.title')}
          </h2>
          <p>{t('contest.help')}</p>
          <TextField label={t('contest.reason')} value={reason} onChange={setReason} error={reasonError} />
          <Button color="primary" outline type="submit">
            {t('contest.submit')}
          </Button>
        </form>
      ) : null}
      {canConfirm ? (
        <form onSubmit={confirm} noValidate className="mb-4" aria-labelledby="confirm-title">
          <h2 id="confirm-title" className="h5 mb-3">
            {t('confirm.title')}
          </h2>
          <p>{t('confirm.help')}</p>
          <TextField
            label={t('evaluation.achievement')}
            value={achievement}
            inputMode="decimal"
            onChange={setAchievement}
            error={fieldError(problem, 'achievementPercent')}
          />
          <TextField label={t('evaluation.reason')} value={reason} onChange={setReason} error={reasonError} />
          <Button color="primary" type="submit">
            {t('confirm.submit')}
          </Button>
        </form>
      ) : null}
    </>
  );
}
