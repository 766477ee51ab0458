import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** A workspace app started as its own process, as in production, with its RSS sampled. */
export interface AppProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  rssMb(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts `apps/<name>`; `label` tells replicas of one app apart (default: the name). */
export function startApp(name: string, env: Record<string, string>, label = name): AppProcess {
  const proc = spawn('node_modules/.bin/tsx', [`apps/${name}/src/main.ts`], {
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
      await Promise.race([exited, sleep(15_000)]);
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

/** Resident memory of a process and all its descendants, in MB (tsx runs scripts in a child node). */
export async function processTreeRssMb(root: number): Promise<number> {
  let kb = 0;
  for (const pid of await descendants(root)) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
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
