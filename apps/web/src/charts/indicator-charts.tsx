import { type components } from '@piao/api-client';
import { formatDate, formatNumber, parseDecimal } from '../format/format';
import { t } from '../i18n/messages';
import { ChartFigure, LineChartOf } from './charts';

type Objective = components['schemas']['ObjectiveView'];

/**
 * Each indicator's values over the dates they were recorded, against its target (a line across when the target is a
 * number), as a chart with its table; an indicator with no numeric value has nothing to draw and is left out.
 */
export function IndicatorCharts({ objective }: { objective: Objective }) {
  const drawn = objective.definition.indicators
    .map((indicator) => ({
      indicator,
      values: (objective.indicatorValues[indicator.id ?? ''] ?? [])
        .map((v) => ({ date: v.asOf ?? '', value: parseDecimal(String(v.value)) }))
        .filter((v) => !Number.isNaN(v.value)),
    }))
    .filter((d) => d.values.length > 0);
  if (drawn.length === 0) return null;
  return (
    <section aria-labelledby="indicator-charts" className="mt-4">
      <h2 id="indicator-charts" className="h4">
        {t('indicatorChart.title')}
      </h2>
      {drawn.map(({ indicator, values }, i) => {
        const target = typeof indicator.target?.value === 'number' ? indicator.target.value : undefined;
        const targetText = indicator.target?.text ?? t('objective.nothing');
        return (
          <ChartFigure
            key={indicator.id ?? i}
            id={`indicator-${i}`}
            caption={t('indicatorChart.caption', { indicator: indicator.description, target: targetText })}
            chart={<LineChartOf data={values.map((v) => ({ label: formatDate(v.date), value: v.value }))} target={target} />}
            table={
              <table className="table table-sm w-auto">
                <thead>
                  <tr>
                    <th scope="col">{t('indicatorChart.date')}</th>
                    <th scope="col">{t('indicatorChart.value')}</th>
                    <th scope="col">{t('indicatorChart.target')}</th>
                  </tr>
                </thead>
                <tbody>
                  {values.map((v, n) => (
                    <tr key={`${v.date}-${n}`}>
                      <th scope="row">{formatDate(v.date)}</th>
                      <td>{formatNumber(v.value)}</td>
                      <td>{targetText}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
        );
      })}
    </section>
  );
}
