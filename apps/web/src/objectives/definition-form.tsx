import { type FormEvent, type ReactNode } from 'react';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { SelectField, TextField } from '../forms/text-field';
import { formatDate, formatNumber, parseDecimal } from '../format/format';
import { t } from '../i18n/messages';
import { fieldError } from '../problem/problem-view';

type Definition = components['schemas']['ObjectiveDefinitionDto'];
type Phase = components['schemas']['PhaseDto'];
type Indicator = components['schemas']['IndicatorDto'];
type Unit = components['schemas']['OrganisationUnitView'];

export interface PhaseRow {
  description: string;
  plannedEnd: string;
  weight: string;
  /** The phase as the definition holds it (editing): its id and the fields the form does not show are kept. */
  base?: Phase;
}
export interface IndicatorRow {
  description: string;
  target: string;
  /** The indicator as the definition holds it (editing): its id, baseline, type… are kept. */
  base?: Indicator;
}

/** What the form holds: the definition's fields as typed (numbers and dates as text, read on sending). */
export interface DefinitionValues {
  title: string;
  unitId: string;
  fromYear: string;
  toYear: string;
  area: string;
  line: string;
  phases: PhaseRow[];
  indicators: IndicatorRow[];
  /** The definition being edited: every field the form does not show is sent back as it is. */
  base?: Definition;
}

export const emptyPhase = (): PhaseRow => ({ description: '', plannedEnd: '', weight: '' });
export const emptyIndicator = (): IndicatorRow => ({ description: '', target: '' });

/** A definition as the form shows it: dates as dd/mm/yyyy, weights with a decimal comma. */
export function valuesOf(definition: Definition): DefinitionValues {
  return {
    title: definition.title,
    unitId: definition.responsibleUnitId,
    fromYear: String(definition.horizon.fromYear),
    toYear: String(definition.horizon.toYear),
    area: definition.place?.publicValueArea ?? '',
    line: definition.place?.strategicLine ?? '',
    phases: definition.phases.map((p) => ({
      description: p.description,
      plannedEnd: p.plannedEnd ? formatDate(p.plannedEnd) : '',
      weight: p.weight === undefined || p.weight === null ? '' : formatNumber(p.weight),
      base: p,
    })),
    indicators: definition.indicators.map((i) => ({ description: i.description, target: i.target?.text ?? '', base: i })),
    base: definition,
  };
}

/**
 * The definition to send: what the form shows, over the definition being edited (the API replaces the whole
 * definition, so a field the form does not show must go back unchanged rather than be lost). A target whose text is
 * unchanged keeps the reading it has; a new text is sent alone, for the API to read again.
 */
export function definitionOf(values: DefinitionValues): Definition {
  const place = {
    ...(values.base?.place ?? {}),
    publicValueArea: values.area.trim() || undefined,
    strategicLine: values.line.trim() || undefined,
  };
  const definition: Definition = {
    ...(values.base ?? {}),
    title: values.title,
    responsibleUnitId: values.unitId,
    horizon: { ...(values.base?.horizon ?? {}), fromYear: Number(values.fromYear), toYear: Number(values.toYear) },
    place,
    phases: values.phases.map((p) => {
      const phase: Phase = { ...(p.base ?? {}), description: p.description };
      // A day or weight cleared in the form is cleared in the definition, not kept from before.
      delete phase.plannedEnd;
      delete phase.weight;
      if (p.plannedEnd.trim()) phase.plannedEnd = p.plannedEnd.trim();
      if (p.weight.trim()) phase.weight = parseDecimal(p.weight);
      return phase;
    }),
    indicators: values.indicators.map((i) => {
      const indicator: Indicator = { ...(i.base ?? {}), description: i.description };
      const text = i.target.trim();
      delete indicator.target;
      if (text) indicator.target = i.base?.target && i.base.target.text === text ? i.base.target : { text };
      return indicator;
    }),
  };
  if (!Object.values(place).some((v) => v !== undefined)) delete definition.place;
  return definition;
}

/** The fields the form shows its errors beside (`definition.…`); any other goes in the alert above it. */
export function definitionFields(values: DefinitionValues): string[] {
  return [
    'definition.title',
    'definition.responsibleUnitId',
    'definition.horizon.fromYear',
    'definition.horizon.toYear',
    ...values.phases.flatMap((_, i) => [`definition.phases.${i}.description`, `definition.phases.${i}.plannedEnd`, `definition.phases.${i}.weight`]),
    ...values.indicators.flatMap((_, i) => [`definition.indicators.${i}.description`, `definition.indicators.${i}.target.text`]),
  ];
}

interface DefinitionFormProps {
  values: DefinitionValues;
  onChange(values: DefinitionValues): void;
  units: Unit[];
  problem: Problem | undefined;
  submitLabel: string;
  onSubmit(): void;
  /** Fields of the page's own before the definition (drafting: the code). */
  before?: ReactNode;
  /** Fields of the page's own after it (reprogramming: the reason). */
  after?: ReactNode;
}

/**
 * An objective's definition as people write it: title, responsible unit, years, its place in the tree (area of
 * Valore Pubblico, strategic line), phases and indicators, rows added and removed. The same form drafts, edits a
 * draft and proposes a reprogramming; what the API refuses is named under its field.
 */
export function DefinitionForm({ values, onChange, units, problem, submitLabel, onSubmit, before, after }: DefinitionFormProps) {
  const { phases, indicators } = values;
  const set = (change: Partial<DefinitionValues>) => onChange({ ...values, ...change });
  const setPhase = (i: number, change: Partial<PhaseRow>) => set({ phases: phases.map((p, k) => (k === i ? { ...p, ...change } : p)) });
  const setIndicator = (i: number, change: Partial<IndicatorRow>) => set({ indicators: indicators.map((p, k) => (k === i ? { ...p, ...change } : p)) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate>
      {before}
      <TextField label={t('draft.objectiveTitle')} value={values.title} onChange={(title) => set({ title })} error={fieldError(problem, 'definition.title')} />
      <SelectField
        label={t('draft.unit')}
        value={values.unitId}
        options={units.map((u) => ({ value: u.unitId, label: u.name }))}
        onChange={(unitId) => set({ unitId })}
      />
      {fieldError(problem, 'definition.responsibleUnitId') ? <p className="text-danger small">{fieldError(problem, 'definition.responsibleUnitId')}</p> : null}
      <div className="row">
        <div className="col-md-6">
          <TextField
            label={t('draft.fromYear')}
            value={values.fromYear}
            inputMode="numeric"
            onChange={(fromYear) => set({ fromYear })}
            error={fieldError(problem, 'definition.horizon.fromYear')}
          />
        </div>
        <div className="col-md-6">
          <TextField
            label={t('draft.toYear')}
            value={values.toYear}
            inputMode="numeric"
            onChange={(toYear) => set({ toYear })}
            error={fieldError(problem, 'definition.horizon.toYear')}
          />
        </div>
      </div>
      <TextField label={t('draft.area')} value={values.area} onChange={(area) => set({ area })} />
      <TextField label={t('draft.line')} value={values.line} onChange={(line) => set({ line })} />

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
              <Button color="danger" size="sm" outline onClick={() => set({ phases: phases.filter((_, k) => k !== i) })}>
                {t('draft.removePhase', { n: i + 1 })}
              </Button>
            ) : null}
          </div>
        ))}
        <Button color="primary" size="sm" outline onClick={() => set({ phases: [...phases, emptyPhase()] })}>
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
              <Button color="danger" size="sm" outline onClick={() => set({ indicators: indicators.filter((_, k) => k !== i) })}>
                {t('draft.removeIndicator', { n: i + 1 })}
              </Button>
            ) : null}
          </div>
        ))}
        <Button color="primary" size="sm" outline onClick={() => set({ indicators: [...indicators, emptyIndicator()] })}>
          {t('draft.addIndicator')}
        </Button>
      </fieldset>
      {after}

      <Button color="primary" type="submit">
        {submitLabel}
      </Button>
    </form>
  );
}
