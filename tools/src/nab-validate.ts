/**
 * Checks our NAB scorer against NAB's published results: scores a detector's result files from a numenta/NAB
 * checkout (results/<detector>/<dir>/<detector>_<file>.csv, labels/combined_windows.json) and prints our
 * normalised scores beside results/final_results.json, as JSON:
 *   npx tsx tools/src/nab-validate.ts <NAB checkout> [detector ...]
 * With `--only <data dir>` (e.g. ../shared/datasets/nab) it scores only the files that corpus holds, which
 * gives the published detectors' scores on our subset.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseNabTime, readNabCsv, readWindows } from './nab-data.js';
import {
  NAB_PROFILES,
  scoreCorpus,
  windowsToIndices,
  type ProfileName,
  type ScoredFile,
} from './nab-scorer.js';

export function scorePublished(root: string, detector: string, only?: string) {
  const windows = readWindows(root);
  const names = Object.keys(windows)
    .sort()
    .filter((n) => only === undefined || existsSync(join(only, 'data', n)));
  const files: ScoredFile[] = names.map((name) => {
    const path = join(root, 'results', detector, dirname(name), `${detector}_${basename(name)}`);
    const { timestamps, columns } = readNabCsv(readFileSync(path, 'utf8'));
    const limits = windows[name]!.map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const);
    return { name, scores: columns['anomaly_score']!, windows: windowsToIndices(timestamps, limits) };
  });
  const out: Record<string, number> = {};
  for (const p of Object.keys(NAB_PROFILES) as ProfileName[])
    out[p] = scoreCorpus(files, NAB_PROFILES[p]).normalised;
  return { files: files.length, windows: files.reduce((s, f) => s + f.windows.length, 0), ours: out };
}

if (process.argv[1]?.endsWith('nab-validate.ts')) {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? args.splice(onlyAt, 2)[1] : undefined;
  const [root, ...detectors] = args;
  if (root === undefined)
    throw new Error('usage: nab-validate.ts <NAB checkout> [--only <corpus>] [detector ...]');
  const published = JSON.parse(readFileSync(join(root, 'results/final_results.json'), 'utf8')) as Record<
    string,
    Record<string, number>
  >;
  const result: Record<string, unknown> = {};
  for (const d of detectors.length > 0 ? detectors : ['numenta', 'windowedGaussian']) {
    result[d] = {
      ...scorePublished(root, d, only),
      published: only === undefined ? published[d] : undefined,
    };
  }
  console.log(JSON.stringify(result, null, 2));
}
