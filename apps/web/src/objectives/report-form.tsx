import { useState, type FormEvent } from 'react';
import { Button } from 'design-react-kit';
import { type components, type Problem } from '@piao/api-client';
import { TextField } from '../forms/text-field';
import { t } from '../i18n/messages';
import { fieldError } from '../problem/problem-view';
import { parseDecimal } from '../format/format';

type Objective = components['schemas']['ObjectiveView'];
export interface ReportValues {
  asOf?: string;
  phases: { phaseId: string; progressPercent: number }[];
  indicators: { indicatorId: string; value: string }[];
}

/**
 * A report on every phase and indicator of the objective: the 31/07 monitoring (with its date) or the year-end report.
 * Prefilled with what is recorded so far; indicators left empty are left out.
 */
export function ReportForm(props: { objective: Objective; title: string; withDate?: string; problem?: Problem; onSubmit(values: ReportValues): void }) {
  const { objective, title, withDate, problem } = props;
  const phases = objective.definition.phases.filter((p) => !p.cancelled);
  const [asOf, setAsOf] = useState(withDate ?? '');
  const [percents, setPercents] = useState<Record<string, string>>(
    Object.fromEntries(phases.map((p) => [p.id ?? '', String(objective.progress[p.id ?? '']?.progressPercent ?? '').replace('.', ',')])),
  );
  const [values, setValues] = useState<Record<string, string>>({});
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit({
      ...(withDate !== undefined ? { asOf } : {}),
      phases: phases.map((p) => ({ phaseId: p.id ?? '', progressPercent: parseDecimal(percents[p.id ?? ''] ?? '') })),
      indicators: objective.definition.indicators
        .filter((i) => (values[i.id ?? ''] ?? '').trim() !== '')
        .map((i) => ({ indicatorId: i.id ?? '', value: values[i.id ?? ''].trim() })),
    });
  };
  return (
    <form onSubmit={submit} noValidate className="mt-5">
      <h3 className="h5 mb-4">{title}</h3>
      {withDate !== undefined ? <TextField label={t('report.asOf')} value={asOf} onChange={setAsOf} error={fieldError(problem, 'asOf')} /> : null}
      {phases.map((p, i) => (
        <TextField
          key={p.id}
          label={t('report.phasePercent', { phase: p.description })}
          value={percents[p.id ?? ''] ?? ''}
          inputMode="decimal"
          onChange={(v) => setPercents({ ...percents, [p.id ?? '']: v })}
          error={fieldError(problem, `phases.${i}.progressPercent`)}
        />
      ))}
      {objective.definition.indicators.map((indicator) => (
        <TextField
          key={indicator.id}
          label={t('report.indicatorValue', { indicator: indicator.description })}
          value={values[indicator.id ?? ''] ?? ''}
          onChange={(v) => setValues({ ...values, [indicator.id ?? '']: v })}
        />
      ))}
      <Button color="primary" type="submit">
        {t('report.submit')}
      </Button>
    </form>
  );
}
