import { lazy, Suspense, type ReactNode } from 'react';
import { t } from '../i18n/messages';
import { type BarDatum } from './bar-chart';
import { type LineDatum } from './line-chart';

// The chart library is fetched only when a chart is shown (its own chunk): the plan page's first load stays as it was.
const LazyBarChart = lazy(() => import('./bar-chart'));
const LazyLineChart = lazy(() => import('./line-chart'));

/**
 * A chart with its text alternative: the drawing is hidden from screen readers, the table next to it (with headers)
 * holds the same numbers for everyone, and the figure is named by its caption.
 */
export function ChartFigure({ id, caption, chart, table }: { id: string; caption: string; chart: ReactNode; table: ReactNode }) {
  return (
    <figure aria-labelledby={`${id}-caption`} className="mb-4" data-testid={`chart-${id}`}>
      <figcaption id={`${id}-caption`} className="fw-semibold mb-2">
        {caption}
      </figcaption>
      <div aria-hidden="true" className="overflow-auto mb-2">
        <Suspense fallback={<p>{t('charts.loading')}</p>}>{chart}</Suspense>
      </div>
      {table}
    </figure>
  );
}

export function BarChartOf(props: { data: BarDatum[]; max?: number; unit?: string }) {
  return <LazyBarChart {...props} />;
}

export function LineChartOf(props: { data: LineDatum[]; target?: number }) {
  return <LazyLineChart {...props} />;
}
