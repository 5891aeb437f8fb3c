/**
 * A line chart as SVG text, written by the benchmark itself (no external
 * service, no dependency): panels side by side, a log-scale x axis shared by
 * every series, a linear y axis from zero, a legend.
 *
 * @module
 */

/** One line: a label, a colour, a dash pattern and its points. */
export interface Series {
  label: string;
  color: string;
  /** SVG `stroke-dasharray`, or empty for a solid line. */
  dash: string;
  /** x (> 0) to y. */
  points: [number, number][];
}

/** One panel: a title, the y axis's name and its series. */
export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
}

const W = 460, H = 300, M = { left: 64, right: 32, top: 36, bottom: 44 };

/** A round step for about five ticks up to `max`. */
function step(max: number): number {
  const raw = max / 5, mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
}

/** A tick label: 1.5M, 120k, 80. */
function short(v: number): string {
  return v >= 1e6 ? `${+(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${+(v / 1e3).toFixed(1)}k` : `${+v.toFixed(1)}`;
}

/** `text` in lines of at most `width` characters, broken at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** One panel's SVG elements, with its origin at (`dx`, 0). */
function panel(p: Panel, xs: number[], dx: number): string[] {
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y));
  const top = Math.max(1e-9, ...ys), dy = step(top), yMax = Math.ceil(top / dy) * dy;
  const [lo, hi] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const px = (x: number) => dx + M.left + ((Math.log10(x) - lo) / (hi - lo || 1)) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
  const out = [
    `<text x="${dx + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`,
    `<text transform="translate(${dx + 14},${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${
      esc(p.yLabel)
    }</text>`,
    `<text x="${dx + (M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">connections (log scale)</text>`,
  ];
  for (let y = 0; y <= yMax + dy / 2; y += dy) {
    out.push(
      `<line x1="${dx + M.left}" x2="${dx + W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${dx + M.left - 6}" y="${py(y) + 4}" text-anchor="end">${short(y)}</text>`,
    );
  }
  for (const x of xs) {
    out.push(
      `<line x1="${px(x)}" x2="${px(x)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${x.toLocaleString("en")}</text>`,
    );
  }
  for (const s of p.series) {
    if (!s.points.length) continue;
    const d = s.points.map(([x, y], i) => `${i ? "L" : "M"}${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const [x, y] of s.points) {
      out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
  }
  return out;
}

/** The SVG document: the panels in a row, the legend (from the first panel's series) below, a note under it. */
export function lineChart(panels: Panel[], note: string): string {
  const xs = [...new Set(panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x))))].sort((a, b) =>
    a - b
  );
  const legend = panels[0]?.series ?? [];
  // Two legend entries a row (a runtime's pair, when the series come in pairs).
  const width = W * panels.length;
  const notes = wrap(note, Math.floor((width - 48) / 6.5));
  const height = H + 24 * Math.ceil(legend.length / 2) + 10 + 16 * notes.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (xs.length) panels.forEach((p, i) => out.push(...panel(p, xs, i * W)));
  legend.forEach((s, i) => {
    const x = 24 + (i % 2) * (width / 2), y = H + 12 + 24 * Math.floor(i / 2);
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    out.push(
      `<line x1="${x}" x2="${x + 28}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="2"${dash}/>`,
      `<text x="${x + 34}" y="${y + 4}">${esc(s.label)}</text>`,
    );
  });
  notes.forEach((l, i) =>
    out.push(`<text x="24" y="${height - 8 - 16 * (notes.length - 1 - i)}" fill="#555">${esc(l)}</text>`)
  );
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
