// Small SVG charts for docs/benchmarks.md, drawn from the results by code (never by hand): grouped
// horizontal bars and x/y lines. Plain SVG 1.1 with inline styles, so GitHub renders it.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948'];
const FONT = 'font-family="sans-serif" font-size="12"';

function niceMax(x) {
    if (!(x > 0)) return 1;
    const p = 10 ** Math.floor(Math.log10(x));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
    return 10 * p;
}
const fmt = (x) => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));

// groups: [{label, values: [number|null per series]}]; series: names. One bar per series in each
// group, values printed at the bar's end; `log` draws a log10 axis (for values spanning decades).
export function barChart({ title, unit, groups, series, log = false, width = 760 }) {
    const barH = 14, gap = 10, left = 170, right = 90, top = 46;
    const height = top + groups.length * (series.length * barH + gap) + 30;
    const all = groups.flatMap((g) => g.values).filter((v) => typeof v === 'number' && v > 0);
    const max = niceMax(Math.max(...all, 0));
    const min = log ? 10 ** Math.floor(Math.log10(Math.min(...all, max))) : 0;
    const span = width - left - right;
    const x = (v) => (log ? (Math.log10(v / min) / Math.log10(max / min || 10)) * span : (v / max) * span);
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="10" y="18" ${FONT} font-weight="bold">${esc(title)}</text>`];
    series.forEach((s, i) => {
        const lx = left + i * 150;
        out.push(`<rect x="${lx}" y="28" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`,
            `<text x="${lx + 14}" y="37" ${FONT}>${esc(s)}</text>`);
    });
    let y = top;
    for (const g of groups) {
        const blockH = series.length * barH;
        out.push(`<text x="${left - 6}" y="${y + blockH / 2 + 4}" ${FONT} text-anchor="end">${esc(g.label)}</text>`);
        g.values.forEach((v, i) => {
            if (typeof v !== 'number' || !(v > 0)) return;
            const w = Math.max(1, x(v));
            out.push(`<rect x="${left}" y="${y + i * barH}" width="${w.toFixed(1)}" height="${barH - 2}" fill="${COLORS[i % COLORS.length]}"/>`,
                `<text x="${left + w + 4}" y="${y + i * barH + barH - 4}" ${FONT}>${esc(fmt(v))}</text>`);
        });
        y += blockH + gap;
    }
    out.push(`<line x1="${left}" y1="${top - 4}" x2="${left}" y2="${y - gap + 2}" stroke="#333"/>`,
        `<text x="${left}" y="${y + 12}" ${FONT}>${esc(`${unit}${log ? ' (log scale)' : ''}; axis ${fmt(min)} to ${fmt(max)}`)}</text>`,
        '</svg>');
    return out.join('\n') + '\n';
}

// lines: [{name, points: [[x, y], ...]}]
export function lineChart({ title, xLabel, yLabel, lines, width = 760, height = 320 }) {
    const left = 70, right = 20, top = 46, bottom = 46;
    const pts = lines.flatMap((l) => l.points);
    const xMax = niceMax(Math.max(...pts.map((p) => p[0]), 0));
    const yMax = niceMax(Math.max(...pts.map((p) => p[1]), 0));
    const W = width - left - right, H = height - top - bottom;
    const px = (v) => left + (v / xMax) * W, py = (v) => top + H - (v / yMax) * H;
    const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
        `<rect width="100%" height="100%" fill="white"/>`,
        `<text x="10" y="18" ${FONT} font-weight="bold">${esc(title)}</text>`,
        `<line x1="${left}" y1="${top + H}" x2="${left + W}" y2="${top + H}" stroke="#333"/>`,
        `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + H}" stroke="#333"/>`];
    for (let i = 0; i <= 4; i++) {
        const xv = (xMax * i) / 4, yv = (yMax * i) / 4;
        out.push(`<text x="${px(xv)}" y="${top + H + 16}" ${FONT} text-anchor="middle">${esc(fmt(xv))}</text>`,
            `<text x="${left - 6}" y="${py(yv) + 4}" ${FONT} text-anchor="end">${esc(fmt(yv))}</text>`,
            `<line x1="${left}" y1="${py(yv)}" x2="${left + W}" y2="${py(yv)}" stroke="#ddd"/>`);
    }
    out.push(`<text x="${left + W / 2}" y="${height - 8}" ${FONT} text-anchor="middle">${esc(xLabel)}</text>`,
        `<text x="14" y="${top + H / 2}" ${FONT} text-anchor="middle" transform="rotate(-90 14 ${top + H / 2})">${esc(yLabel)}</text>`);
    lines.forEach((l, i) => {
        const c = COLORS[i % COLORS.length];
        out.push(`<polyline fill="none" stroke="${c}" stroke-width="2" points="${l.points.map(([a, b]) => `${px(a).toFixed(1)},${py(b).toFixed(1)}`).join(' ')}"/>`);
        for (const [a, b] of l.points) out.push(`<circle cx="${px(a).toFixed(1)}" cy="${py(b).toFixed(1)}" r="3" fill="${c}"/>`);
        out.push(`<rect x="${left + 10 + i * 160}" y="28" width="10" height="10" fill="${c}"/>`,
            `<text x="${left + 24 + i * 160}" y="37" ${FONT}>${esc(l.name)}</text>`);
    });
    out.push('</svg>');
    return out.join('\n') + '\n';
}
