/** Reads a NAB corpus laid out as numenta/NAB does: `data/<dir>/<file>.csv` and `labels/combined_windows.json`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { windowsToIndices, type Window } from './nab-scorer.js';

export interface NabSeries {
  /** Relative path as in the label file, e.g. `realAWSCloudwatch/ec2_cpu_utilization_24ae8d.csv`. */
  readonly name: string;
  readonly timestamps: number[];
  readonly values: number[];
  readonly windows: Window[];
}

/** NAB timestamps ("2014-02-14 14:30:00" or with ".000000") are naive; read them as UTC. */
export function parseNabTime(s: string): number {
  const t = Date.parse(`${s.trim().replace(' ', 'T').slice(0, 19)}Z`);
  if (!Number.isFinite(t)) throw new Error(`bad NAB timestamp "${s}"`);
  return t;
}

/** The first two columns (timestamp, value) of a NAB CSV; extra columns (result files) are returned by name. */
export function readNabCsv(text: string): { timestamps: number[]; columns: Record<string, number[]> } {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',').map((h) => h.trim());
  const columns: Record<string, number[]> = Object.fromEntries(header.slice(1).map((h) => [h, []]));
  const timestamps: number[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    timestamps.push(parseNabTime(cells[0]!));
    for (let c = 1; c < header.length; c++) columns[header[c]!]!.push(Number(cells[c]));
  }
  return { timestamps, columns };
}

export function readWindows(root: string): Record<string, [string, string][]> {
  return JSON.parse(readFileSync(join(root, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
}

/** Every data file named in the window file, with its windows as row indices. */
export function readNabCorpus(root: string): NabSeries[] {
  const windows = readWindows(root);
  return Object.keys(windows)
    .sort()
    .map((name) => {
      const { timestamps, columns } = readNabCsv(readFileSync(join(root, 'data', name), 'utf8'));
      const limits = windows[name]!.map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as const);
      return { name, timestamps, values: columns['value']!, windows: windowsToIndices(timestamps, limits) };
    });
}
