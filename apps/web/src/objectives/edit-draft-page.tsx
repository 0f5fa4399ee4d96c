import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { useOrganisationUnits } from '../organisation/organisation-units';
import { t } from '../i18n/messages';
import { ProblemAlert } from '../problem/problem-view';
import { useSession } from '../session/session';
import { DefinitionForm, definitionFields, definitionOf, valuesOf, type DefinitionValues } from './definition-form';
import { DefinitionWarnings, TargetReadings } from './target-readings';

type Objective = components['schemas']['ObjectiveView'];

/** Whether the objective's definition may still be edited as a draft (the API decides who: see `mayEditDraft`). */
export const isEditableDraft = (status: string) => status === 'draft' || status === 'returned';
/** Who may edit a draft: the Segretario, or a dirigente (the API checks that they head the responsible unit). */
export const mayEditDraft = (roles: readonly string[]) => roles.includes('segretario') || roles.includes('dirigente');

/**
 * A draft (or returned) objective edited with the drafting form, prefilled from the objective. The command carries the
 * revision the page read: a change by someone else meanwhile is a 409, explained, and nothing is written. The
 * targets as the API read them, and the definition's warnings, are shown above the form.
 */
export function EditDraftPage() {
  const { objectiveId = '' } = useParams();
  const navigate = useNavigate();
  const { session } = useSession();
  const [objective, setObjective] = useState<Objective>();
  const [values, setValues] = useState<DefinitionValues>();
  const units = useOrganisationUnits();
  const [problem, setProblem] = useState<Problem>();

  useEffect(() => {
    void answerOf(api.GET('/objectives/{objectiveId}', { params: { path: { objectiveId } } })).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setObjective(a.data);
      setValues(valuesOf(a.data.definition));
    });
  }, [objectiveId]);

  if (!objective || !values) return problem ? <ProblemAlert problem={problem} /> : <p>{t('app.loading')}</p>;
  const back = (
    <p>
      <Link to={`/objectives/${objectiveId}`}>{t('edit.back')}</Link>
    </p>
  );
  if (!isEditableDraft(objective.status) || !mayEditDraft(session?.roles ?? [])) {
    return (
      <>
        {back}
        <h1>{t('edit.title', { code: objective.code })}</h1>
        <p>{t('edit.notEditable')}</p>
      </>
    );
  }

  const submit = async () => {
    setProblem(undefined);
    const answer = await answerOf(
      api.POST('/objectives/{objectiveId}/draft', {
        params: { path: { objectiveId } },
        // The revision the form was filled from: someone else's change meanwhile is a 409, not overwritten.
        body: { definition: definitionOf(values), expectedRevision: objective.revision },
      }),
    );
    if (answer.problem) return setProblem(answer.problem);
    void navigate(`/objectives/${objectiveId}`);
  };

  return (
    <>
      {back}
      <h1>{t('edit.title', { code: objective.code })}</h1>
      <DefinitionWarnings warnings={objective.warnings} />
      <TargetReadings objectiveId={objectiveId} definition={objective.definition} revision={objective.revision} />
      <h2 className="h4 mt-4">{t('edit.form')}</h2>
      <ProblemAlert problem={problem} subject="objective" shownFields={definitionFields(values)} />
      <DefinitionForm values={values} onChange={setValues} units={units} problem={problem} submitLabel={t('edit.submit')} onSubmit={() => void submit()} />
    </>
  );
}
