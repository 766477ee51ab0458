/**
 * Causal anomaly detection on the NAB corpus, scored with NAB's own rules (tools/src/nab-scorer.ts), and the
 * speed of scoring a 10,000-point series, printed as JSON:
 *   npx tsx tools/src/bench-anomaly.ts [--nab <corpus dir>] [--runs N]
 * The corpus dir holds data/ and labels/combined_windows.json (default ../shared/datasets/nab; a numenta/NAB
 * checkout works too). As every NAB detector, ours is told the probationary period (15 % of each file, at
 * most 750 rows) and learns during it; its cycle is found from that prefix only, so scoring stays causal.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { detectPeriod, scoreStream } from '@broxiva/insights-domain';
import { DATASETS } from './datasets.js';
import { readNabCorpus, type NabSeries } from './nab-data.js';
import { NAB_PROFILES, probationaryLength, scoreCorpus, type ProfileName } from './nab-scorer.js';

/** Our detector on one NAB file: anomaly scores in 0–1, one per row. */
export function nabScores(series: NabSeries): Float64Array {
  const warmup = Math.floor(probationaryLength(series.values.length));
  const period = detectPeriod(series.values.slice(0, warmup), 12, Math.floor(warmup / 2));
  return scoreStream(series.values, { period, warmup }).score;
}

export function benchNab(root: string) {
  const corpus = readNabCorpus(root);
  const files = corpus.map((c) => ({ name: c.name, windows: c.windows, scores: nabScores(c) }));
  const profiles = Object.fromEntries(
    (Object.keys(NAB_PROFILES) as ProfileName[]).map((p) => [p, scoreCorpus(files, NAB_PROFILES[p])]),
  );
  const standard = profiles['standard']!;
  return {
    corpus: root,
    files: files.length,
    windows: files.reduce((s, f) => s + f.windows.length, 0),
    normalised: Object.fromEntries(Object.entries(profiles).map(([p, r]) => [p, round(r.normalised)])),
    standard: {
      threshold: standard.threshold,
      raw: round(standard.raw),
      null: standard.null,
      perfect: standard.perfect,
    },
    perFile: standard.files.map((f) => ({
      file: f.name,
      score: round(f.score),
      tp: f.tp,
      fp: f.fp,
      fn: f.fn,
      tn: f.tn,
    })),
  };
}

/** Scoring time of a 10,000-point series (a daily cycle, noise, a spike and a level shift). */
export function benchSpeed(runs = 50) {
  const n = 10_000;
  const y = Array.from(
    { length: n },
    (_, t) => 100 + 30 * Math.sin((2 * Math.PI * t) / 288) + 5 * Math.sin(t * 12.9898) + (t > 7000 ? 40 : 0),
  );
  y[5000] = 400;
  for (let i = 0; i < 5; i++) scoreStream(y, { period: 288 }); // warm the JIT
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    scoreStream(y, { period: 288 });
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!);
  return { points: n, runs, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: round(ms[ms.length - 1]!) };
}

const round = (v: number) => Math.round(v * 1000) / 1000;

if (process.argv[1]?.endsWith('bench-anomaly.ts')) {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const root = opt('--nab') ?? join(DATASETS, 'nab');
  console.log(
    JSON.stringify({ nab: benchNab(root), speed: benchSpeed(Number(opt('--runs') ?? 50)) }, null, 2),
  );
}
