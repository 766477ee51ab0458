import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface IngestProcessOptions {
  readonly natsUrl: string;
  readonly analyticsDatabaseUrl?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The real Ingest app as a black box: `tsx apps/ingest/src/main.ts` in a child process on free ports (it
 * logs the ports it bound). The gateway never imports another app's code, its tests neither.
 */
export async function startIngestProcess(
  o: IngestProcessOptions,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(`${ROOT}node_modules/.bin/tsx`, ['apps/ingest/src/main.ts'], {
    detached: true,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '',
      INGEST_GRPC_PORT: '0',
      INGEST_HTTP_PORT: '0',
      NATS_URL: o.natsUrl,
      // Ingest keys its dedup window under its own prefix; a test database number keeps them apart.
      REDIS_URL: 'redis://127.0.0.1:6379/15',
      DEDUP_WINDOW_SECONDS: '60',
      ANALYTICS_DATABASE_URL: o.analyticsDatabaseUrl ?? 'postgresql://postgres@127.0.0.1:5432/test',
      LOG_LEVEL: 'INFO',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      ...o.env,
    },
  });
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ingest did not start:\n${output.join('')}`)), 25_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      output.push(line);
      const m = /"msg":"ingest serving"/.test(line) ? /"grpcPort":(\d+)/.exec(line) : null;
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ingest exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // tsx runs the app in a child process of its own: signal the whole group (spawned detached), so a
      // SIGKILL after the grace period cannot leave the app itself running.
      const kill = (signal: NodeJS.Signals) => {
        try {
          process.kill(-(child.pid ?? 0), signal);
        } catch {
          child.kill(signal);
        }
      };
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
