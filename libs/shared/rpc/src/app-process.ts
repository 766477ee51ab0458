import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// The repository root, where `node_modules/.bin/tsx` and `apps/<name>/src/main.ts` are.
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface AppProcess {
  readonly name: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** What it printed, for a failing test's message. */
  readonly output: string[];
  stop(): Promise<void>;
}

/**
 * One app of this repo as a black box: `tsx apps/<name>/src/main.ts` in a child process, resolved once
 * it logs `<name> serving` (with the ports it bound).
 */
export async function startAppProcess(name: string, env: Record<string, string>): Promise<AppProcess> {
  const child: ChildProcess = spawn(`${ROOT}node_modules/.bin/tsx`, [`apps/${name}/src/main.ts`], {
    detached: true,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  const output: string[] = [];
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const ports = await new Promise<{ grpcPort: number; httpPort: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output.join('\n')}`)), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output.push(line);
      if (!line.includes(`"msg":"${name} serving"`)) return;
      clearTimeout(timer);
      const num = (key: string) => Number(new RegExp(`"${key}":(\\d+)`).exec(line)?.[1] ?? 0);
      resolve({ grpcPort: num('grpcPort'), httpPort: num('httpPort') || num('port') });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output.join('\n')}`));
    });
  });
  return {
    name,
    ...ports,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
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
