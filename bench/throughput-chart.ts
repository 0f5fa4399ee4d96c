/**
 * The chart of `npm run bench`: events/s against the number of events already in the log, one line per variant of
 * bench/log-growth.bench.ts, as a self-contained SVG (no script, no external font), readable on GitHub and in any
 * browser. The x axis is logarithmic (10,000 to 1,000,000 events), the y axis starts at zero so that a flat line
 * looks flat and a falling one falls by what it really loses.
 */
export interface Series {
  label: string;
  points: { size: number; perSecond: number }[];
}

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 250, top: 40, bottom: 50 };
const COLOURS = ['#0066cc', '#d1344c', '#008055', '#a66300', '#5c2f91', '#4d4d4d'];

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function throughputChart(series: Series[], title: string): string {
  const sizes = series.flatMap((s) => s.points.map((p) => p.size));
  const [minSize, maxSize] = [Math.min(...sizes), Math.max(...sizes)];
  const top = niceCeiling(Math.max(...series.flatMap((s) => s.points.map((p) => p.perSecond))));
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (size: number) =>
    MARGIN.left + (maxSize === minSize ? plotWidth / 2 : ((Math.log10(size) - Math.log10(minSize)) / (Math.log10(maxSize) - Math.log10(minSize))) * plotWidth);
  const y = (perSecond: number) => MARGIN.top + plotHeight - (perSecond / top) * plotHeight;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`);
  parts.push(`<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escape(title)}</text>`);
  for (let k = 0; k <= 5; k++) {
    const value = (top * k) / 5;
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#dddddd"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y(value) + 4}" font-size="11" text-anchor="end">${Math.round(value).toLocaleString('en')}</text>`);
  }
  for (const size of [...new Set(sizes)].sort((a, b) => a - b)) {
    parts.push(`<line x1="${x(size)}" x2="${x(size)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#eeeeee"/>`);
    parts.push(`<text x="${x(size)}" y="${MARGIN.top + plotHeight + 18}" font-size="11" text-anchor="middle">${size.toLocaleString('en')}</text>`);
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 10}" font-size="12" text-anchor="middle">events already in the log (logarithmic)</text>`,
    `<text x="16" y="${MARGIN.top + plotHeight / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotHeight / 2})">events/s</text>`,
  );
  series.forEach((s, k) => {
    const colour = COLOURS[k % COLOURS.length];
    const points = [...s.points].sort((a, b) => a.size - b.size);
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.size).toFixed(1)},${y(p.perSecond).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of points) parts.push(`<circle cx="${x(p.size).toFixed(1)}" cy="${y(p.perSecond).toFixed(1)}" r="3" fill="${colour}"/>`);
    const legendY = MARGIN.top + 10 + k * 20;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 15}" x2="${WIDTH - MARGIN.right + 35}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${legendY + 4}" font-size="11">${escape(s.label)}</text>`);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" role="img" aria-label="${escape(title)}">`,
    `<title>${escape(title)}</title>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** 1, 2 or 5 times a power of ten, at or above `value`: round figures on the axis. */
function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= value)!;
}
