import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { answerOf, api } from '../api/api';
import { SelectField, TextField } from '../forms/text-field';
import { parseDecimal } from '../format/format';
import { t } from '../i18n/messages';
import { fieldError, ProblemAlert } from '../problem/problem-view';

type Plan = components['schemas']['PlanDetailView'];
type Unit = components['schemas']['OrganisationUnitView'];

interface PhaseRow {
  description: string;
  plannedEnd: string;
  weight: string;
}
interface IndicatorRow {
  description: string;
  target: string;
}

const FIELDS = ['code', 'definition.title', 'definition.responsibleUnitId', 'definition.horizon.fromYear', 'definition.horizon.toYear'];

/**
 * A new objective of a plan, as the dirigente drafts it: code, title, responsible unit, years, its place in the tree
 * (area of Valore Pubblico, strategic line), phases and indicators. What the API warns about (phase weights not
 * totalling 100, a target it cannot read) is shown on the objective's page once drafted: a warning, never a refusal.
 */
export function DraftObjectivePage() {
  const { planId = '' } = useParams();
  const navigate = useNavigate();
  const [plan, setPlan] = useState<Plan>();
  const [units, setUnits] = useState<Unit[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [form, setForm] = useState({ code: '', title: '', unitId: '', fromYear: '', toYear: '', area: '', line: '' });
  const [phases, setPhases] = useState<PhaseRow[]>([{ description: '', plannedEnd: '', weight: '' }]);
  const [indicators, setIndicators] = useState<IndicatorRow[]>([{ description: '', target: '' }]);

  useEffect(() => {
    void answerOf(api.GET('/plans/{planId}', { params: { path: { planId } } })).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setPlan(a.data);
      setForm((f) => ({ ...f, fromYear: String(a.data.fromYear), toYear: String(a.data.fromYear) }));
    });
    void answerOf(api.GET('/organisation')).then((a) => {
      if (a.problem) return setProblem(a.problem);
      setUnits(a.data.units);
      setForm((f) => ({ ...f, unitId: f.unitId || (a.data.units[0]?.unitId ?? '') }));
    });
  }, [planId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const place = { ...(form.area.trim() ? { publicValueArea: form.area.trim() } : {}), ...(form.line.trim() ? { strategicLine: form.line.trim() } : {}) };
    const answer = await answerOf(
      api.POST('/plans/{planId}/objectives', {
        params: { path: { planId } },
        body: {
          code: form.code.trim(),
          definition: {
            title: form.title,
            responsibleUnitId: form.unitId,
            horizon: { fromYear: Number(form.fromYear), toYear: Number(form.toYear) },
            ...(Object.keys(place).length > 0 ? { place } : {}),
            phases: phases.map((p) => ({
              description: p.description,
              ...(p.plannedEnd.trim() ? { plannedEnd: p.plannedEnd.trim() } : {}),
              ...(p.weight.trim() ? { weight: parseDecimal(p.weight) } : {}),
            })),
            indicators: indicators.map((i) => ({ description: i.description, ...(i.target.trim() ? { target: { text: i.target.trim() } } : {}) })),
          },
        },
      }),
    );
    if (answer.problem) return setProblem(answer.problem);
    void navigate(`/objectives/${answer.data.objectiveId}`);
  };

  const phaseFields = phases.flatMap((_, i) => [`definition.phases.${i}.description`, `definition.phases.${i}.plannedEnd`, `definition.phases.${i}.weight`]);
  const indicatorFields = indicators.flatMap((_, i) => [`definition.indicators.${i}.description`, `definition.indicators.${i}.target.text`]);
  const setPhase = (i: number, change: Partial<PhaseRow>) => setPhases(phases.map((p, k) => (k === i ? { ...p, ...change } : p)));
  const setIndicator = (i: number, change: Partial<IndicatorRow>) => setIndicators(indicators.map((p, k) => (k === i ? { ...p, ...change } : p)));

  return (
    <>
      <p>
        <Link to={`/plans/${planId}`}>{t('objective.plan')}</Link>
      </p>
      <h1>{t('draft.title', { plan: plan?.title ?? '' })}</h1>
      <ProblemAlert problem={problem} shownFields={[...FIELDS, ...phaseFields, ...indicatorFields]} />
      <form onSubmit={(e) => void submit(e)} noValidate>
        <TextField label={t('draft.code')} value={form.code} onChange={(code) => setForm({ ...form, code })} error={fieldError(problem, 'code')} />
        <TextField
          label={t('draft.objectiveTitle')}
          value={form.title}
          onChange={(title) => setForm({ ...form, title })}
          error={fieldError(problem, 'definition.title')}
        />
        <SelectField
          label={t('draft.unit')}
          value={form.unitId}
          options={units.map((u) => ({ value: u.unitId, label: u.name }))}
          onChange={(unitId) => setForm({ ...form, unitId })}
        />
        <div className="row">
          <div className="col-md-6">
            <TextField
              label={t('draft.fromYear')}
              value={form.fromYear}
              inputMode="numeric"
              onChange={(fromYear) => setForm({ ...form, fromYear })}
              error={fieldError(problem, 'definition.horizon.fromYear')}
            />
          </div>
          <div className="col-md-6">
            <TextField
              label={t('draft.toYear')}
              value={form.toYear}
              inputMode="numeric"
              onChange={(toYear) => setForm({ ...form, toYear })}
              error={fieldError(problem, 'definition.horizon.toYear')}
            />
          </div>
        </div>
        <TextField label={t('draft.area')} value={form.area} onChange={(area) => setForm({ ...form, area })} />
        <TextField label={t('draft.line')} value={form.line} onChange={(line) => setForm({ ...form, line })} />

        <fieldset className="mb-4">
          <legend className="h4">{t('objective.phases')}</legend>
          {phases.map((p, i) => (
            <div key={i} className="border-start border-3 ps-3 mb-3">
              <TextField
                label={t('draft.phaseDescription', { n: i + 1 })}
                value={p.description}
                onChange={(description) => setPhase(i, { description })}
                error={fieldError(problem, `definition.phases.${i}.description`)}
              />
              <div className="row">
                <div className="col-md-6">
                  <TextField
                    label={t('draft.phaseEnd', { n: i + 1 })}
                    value={p.plannedEnd}
                    onChange={(plannedEnd) => setPhase(i, { plannedEnd })}
                    error={fieldError(problem, `definition.phases.${i}.plannedEnd`)}
                  />
                </div>
                <div className="col-md-6">
                  <TextField
                    label={t('draft.phaseWeight', { n: i + 1 })}
                    value={p.weight}
                    inputMode="decimal"
                    onChange={(weight) => setPhase(i, { weight })}
                    error={fieldError(problem, `definition.phases.${i}.weight`)}
                  />
                </div>
              </div>
              {phases.length > 1 ? (
                <Button color="danger" size="sm" outline onClick={() => setPhases(phases.filter((_, k) => k !== i))}>
                  {t('draft.removePhase', { n: i + 1 })}
                </Button>
              ) : null}
            </div>
          ))}
          <Button color="primary" size="sm" outline onClick={() => setPhases([...phases, { description: '', plannedEnd: '', weight: '' }])}>
            {t('draft.addPhase')}
          </Button>
        </fieldset>

        <fieldset className="mb-4">
          <legend className="h4">{t('objective.indicators')}</legend>
          {indicators.map((indicator, i) => (
            <div key={i} className="border-start border-3 ps-3 mb-3">
              <TextField
                label={t('draft.indicatorDescription', { n: i + 1 })}
                value={indicator.description}
                onChange={(description) => setIndicator(i, { description })}
                error={fieldError(problem, `definition.indicators.${i}.description`)}
              />
              <TextField
                label={t('draft.indicatorTarget', { n: i + 1 })}
                value={indicator.target}
                onChange={(target) => setIndicator(i, { target })}
                error={fieldError(problem, `definition.indicators.${i}.target.text`)}
              />
              {indicators.length > 1 ? (
                <Button color="danger" size="sm" outline onClick={() => setIndicators(indicators.filter((_, k) => k !== i))}>
                  {t('draft.removeIndicator', { n: i + 1 })}
                </Button>
              ) : null}
            </div>
          ))}
          <Button color="primary" size="sm" outline onClick={() => setIndicators([...indicators, { description: '', target: '' }])}>
            {t('draft.addIndicator')}
          </Button>
        </fieldset>

        <Button color="primary" type="submit">
          {t('draft.submit')}
        </Button>
      </form>
    </>
  );
}
