import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** A workspace app started as its own process, as in production, with its RSS sampled. */
export interface AppProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `apps/<name>`; `label` tells replicas of one app apart (default: the name). With `profileDir` the
 * app runs under `node --cpu-prof` (a flag NODE_OPTIONS refuses, so not through tsx's binary) and writes
 * its profile there when it exits on SIGTERM; see summariseProfile.
 */
export function startApp(
  name: string,
  env: Record<string, string>,
  label = name,
  profileDir?: string,
): AppProcess {
  const script = `apps/${name}/src/main.ts`;
  const [command, args] =
    profileDir === undefined
      ? ['node_modules/.bin/tsx', [script]]
      : [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '--import', 'tsx', script]];
  const proc = spawn(command, args, {
    env: {
      ...process.env,
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      LOG_LEVEL: 'WARNING',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    name: label,
    proc,
    // tsx runs the app in a child node process: sum the RSS of the whole process tree.
    rssMb: () => processTreeRssMb(proc.pid ?? 0),
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      // A profiled app takes a while to write its profile; it is waited for.
      await Promise.race([exited, sleep(profileDir === undefined ? 15_000 : 120_000)]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    },
  };
}

/**
 * Runs a tools/ script (`tools/src/<script>.ts`) as a process of its own and resolves with the JSON document
 * its stdout ends with. Load generators and probes run this way so their event loops are not the
 * benchmark's.
 */
export function runTool<T>(script: string, args: Record<string, string>): Promise<T> {
  const flags = Object.entries(args).flatMap(([k, v]) => [`--${k}`, v]);
  return new Promise<T>((resolve, reject) => {
    const p = spawn('node_modules/.bin/tsx', [`tools/src/${script}.ts`, ...flags], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch (e) {
        reject(new Error(`${script} printed no JSON: ${String(e)}`));
      }
    });
  });
}

/**
 * Starts one of baseline-servers.ts's servers as a process of its own and resolves once it serves; `stop`
 * ends it. Benchmarks measure them beside the apps, under the same load, as what this machine allows.
 */
export async function startBaseline(
  kind: 'overview' | 'http' | 'ingest',
  port: number,
  args: Record<string, string> = {},
): Promise<{ stop(): Promise<void> }> {
  const flags = Object.entries({ ...args, kind, port: String(port) }).flatMap(([k, v]) => [`--${k}`, v]);
  const p = spawn('node_modules/.bin/tsx', ['tools/src/baseline-servers.ts', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    p.once('exit', (code) => reject(new Error(`baseline ${kind} server exited ${code}`)));
  });
  return {
    async stop() {
      if (p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
    },
  };
}

/** Resident memory of a process and all its descendants, in MB (tsx runs scripts in a child node). */
export async function processTreeRssMb(root: number): Promise<number> {
  let kb = 0;
  for (const pid of await descendants(root)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

/**
 * A process's name (`comm`) and the CPU seconds it has used so far (user + system, from /proc, in 1/100 s
 * ticks); undefined once it has ended.
 */
export async function processCpu(pid: number): Promise<{ name: string; seconds: number } | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (stat === '') return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  return { name, seconds: (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100 };
}

/**
 * CPU seconds a process and its descendants have used so far: the cost per request from this is what a
 * shared machine cannot blur the way it blurs wall-clock rates.
 */
export async function processTreeCpuSeconds(root: number): Promise<number> {
  let seconds = 0;
  for (const pid of await descendants(root)) seconds += (await processCpu(pid))?.seconds ?? 0;
  return seconds;
}

async function descendants(root: number): Promise<number[]> {
  const out = [root];
  for (let i = 0; i < out.length; i++) {
    const children = await readFile(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').catch(() => '');
    out.push(...children.split(/\s+/).filter(Boolean).map(Number));
  }
  return out;
}

/** Waits until an HTTP URL answers 200, or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > end) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** One Prometheus sample by metric name (first series), from a /metrics URL. */
export async function scrape(url: string, metric: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** Runs `worker` in `concurrency` loops until `durationMs` has passed; returns per-call latencies (ms). */
export async function runFor(concurrency: number, durationMs: number, worker: (i: number) => Promise<void>) {
  const end = Date.now() + durationMs;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      while (Date.now() < end) {
        const t = performance.now();
        try {
          await worker(i);
          latencies.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { latencies: latencies.sort((a, b) => a - b), errors };
}

/** The Redis database benchmarks' apps use: REDIS_URL as the apps read it, else theirs by default (db 4). */
export const BENCH_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379/4';

/**
 * The hottest functions (self time, as a share of the busy samples) and the heaviest files and packages
 * (inclusive) of an app's CPU profile (startApp's `profileDir`). The profile with the most busy samples is the app's
 * main thread (the others are tsx's loader thread).
 */
export async function summariseProfile(dir: string) {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }
  let best: { file: string; nodes: Node[]; busy: number } | undefined;
  for (const f of (await readdir(dir)).filter((x) => x.endsWith('.cpuprofile'))) {
    const { nodes } = JSON.parse(await readFile(join(dir, f), 'utf8')) as { nodes: Node[] };
    const busy = nodes.reduce(
      (m, n) => m + (n.callFrame.functionName === '(idle)' ? 0 : (n.hitCount ?? 0)),
      0,
    );
    if (best === undefined || busy > best.busy) best = { file: join(dir, f), nodes, busy };
  }
  if (best === undefined) return {};
  const { nodes, busy } = best;
  const short = (url: string) => url.replace(/^.*\/(node_modules|apps|libs)\//, '$1/');
  const self = new Map<string, number>();
  for (const n of nodes) {
    if (n.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = n.callFrame;
    const name = `${functionName || '(anonymous)'} ${short(url)}:${lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + (n.hitCount ?? 0));
  }
  // Inclusive time by our source file or npm package: each sample counts once per file on its stack.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const n of nodes) {
    if (!n.hitCount) continue;
    const seen = new Set<string>();
    for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
      const url = byId.get(id)?.callFrame.url ?? '';
      const pkg =
        /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? (/\/(apps|libs)\//.test(url) ? short(url) : '');
      if (pkg !== '' && !seen.has(pkg)) {
        seen.add(pkg);
        inclusive.set(pkg, (inclusive.get(pkg) ?? 0) + n.hitCount);
      }
    }
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([name, hits]) => `${((hits / Math.max(1, busy)) * 100).toFixed(1)}% ${name}`);
  return {
    file: best.file,
    busy_ms: busy, // samples of 1 ms, the default interval
    top_self_percent_of_busy: top(self, 25),
    top_inclusive_percent_of_busy: top(inclusive, 20),
  };
}

/**
 * Runs nghttp2's h2load (Debian's nghttp2-client), a C load generator, POSTing `body` to `url` with
 * `flags` (connections, rate, duration, headers), and returns every request from its per-request log:
 * the HTTP status and the answer time in ms, in the order they were logged.
 */
export async function runH2load(
  flags: readonly string[],
  url: string,
  body: string,
): Promise<{ status: string; ms: number }[]> {
  const dir = await mkdtemp(join(tmpdir(), 'h2load-'));
  try {
    await writeFile(join(dir, 'body'), body);
    const log = join(dir, 'log');
    await promisify(execFile)('h2load', [...flags, '-d', join(dir, 'body'), '--log-file', log, url], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // Each line: start time (µs since the epoch), status, µs until the answer ended.
    return (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map((r) => ({ status: r[1] ?? '?', ms: Number(r[2]) / 1000 }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
