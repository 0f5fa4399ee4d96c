import { CartesianGrid, Line, LineChart, ReferenceLine, XAxis, YAxis } from 'recharts';

export interface LineDatum {
  label: string;
  value: number;
}

/** Values over dates with the target as a line across (recharts), loaded on demand by `charts.tsx`. */
export default function SimpleLineChart({ data, target }: { data: LineDatum[]; target?: number }) {
  return (
    <LineChart
      width={Math.max(320, 110 * data.length)}
      height={240}
      data={data}
      accessibilityLayer={false}
      margin={{ top: 10, right: 20, bottom: 10, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="label" tick={{ fill: '#1a1a1a', fontSize: 12 }} />
      <YAxis domain={[0, 'auto']} tick={{ fill: '#1a1a1a', fontSize: 12 }} />
      <Line dataKey="value" stroke="#0066cc" strokeWidth={2} isAnimationActive={false} />
      {target !== undefined ? <ReferenceLine y={target} stroke="#cc334d" strokeDasharray="6 3" /> : null}
    </LineChart>
  );
}
