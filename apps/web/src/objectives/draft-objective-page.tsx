import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { TextField } from '../forms/text-field';
import { t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';
import { DefinitionForm, definitionFields, definitionOf, emptyIndicator, emptyPhase, type DefinitionValues } from './definition-form';

type Plan = components['schemas']['PlanDetailView'];
type Unit = components['schemas']['OrganisationUnitView'];

/**
 * A new objective of a plan, as the dirigente drafts it: code, then the definition (the form shared with editing a
 * draft and reprogramming). What the API warns about (phase weights not totalling 100, a target it cannot read) is
 * shown on the objective's page once drafted: a warning, never a refusal.
 */
export function DraftObjectivePage() {
  const { planId = '' } = useParams();
  const navigate = useNavigate();
  const [plan, setPlan] = useState<Plan>();
  const [units, setUnits] = useState<Unit[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [code, setCode] = useState('');
  const [values, setValues] = useState<DefinitionValues>({
    title: '',
    unitId: '',
    fromYear: '',
    toYear: '',
    area: '',
    line: '',
    phases: [emptyPhase()],
    indicators: [emptyIndicator()],
  });

  useEffect(() => {
    void answerOf(api.GET('/plans/{planId}', { params: { path: { planId } } })).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setPlan(a.data);
      setValues((v) => ({ ...v, fromYear: String(a.data.fromYear), toYear: String(a.data.fromYear) }));
    });
    void answerOf(api.GET('/organisation')).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setUnits(a.data.units);
      setValues((v) => ({ ...v, unitId: v.unitId || (a.data.units[0]?.unitId ?? '') }));
    });
  }, [planId]);

  const submit = async () => {
    const answer = await answerOf(
      api.POST('/plans/{planId}/objectives', { params: { path: { planId } }, body: { code: code.trim(), definition: definitionOf(values) } }),
    );
    if (answer.problem) return setProblem(answer.problem);
    void navigate(`/objectives/${answer.data.objectiveId}`);
  };

  return (
    <>
      <p>
        <Link to={`/plans/${planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>{t('draft.title', { plan: plan?.title ?? '' })}</h1>
      <ProblemAlert problem={problem} shownFields={['code', ...definitionFields(values)]} />
      <DefinitionForm
        values={values}
        onChange={setValues}
        units={units}
        problem={problem}
        submitLabel={t('draft.submit')}
        onSubmit={() => void submit()}
        before={<TextField label={t('draft.code')} value={code} onChange={setCode} error={fieldError(problem, 'code')} />}
      />
    </>
  );
}
