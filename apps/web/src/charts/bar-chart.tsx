import { Bar, BarChart, CartesianGrid, ReferenceLine, XAxis, YAxis } from 'recharts';

export interface BarDatum {
  label: string;
  value: number;
}

/**
 * A bar chart (recharts), loaded on demand by `charts.tsx`: the library stays out of the first load of every page.
 * Fixed size (scrolled sideways on a narrow screen): a responsive container draws nothing until it has measured.
 */
export default function SimpleBarChart({ data, max, unit = '' }: { data: BarDatum[]; max?: number; unit?: string }) {
  return (
    <BarChart width={Math.max(320, 90 * data.length)} height={260} data={data} accessibilityLayer={false} margin={{ top: 10, right: 10, bottom: 10, left: 0 }}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" tick={{ fill: '#1a1a1a', fontSize: 12 }} />
      <YAxis domain={[0, max ?? 'auto']} unit={unit} allowDecimals={false} tick={{ fill: '#1a1a1a', fontSize: 12 }} />
      <Bar dataKey="value" fill="#0066cc" isAnimationActive={false} />
      {max !== undefined ? <ReferenceLine y={max} stroke="#5c6f82" /> : null}
    </BarChart>
  );
}
