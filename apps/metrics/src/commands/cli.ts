import { Presets, SingleBar } from 'cli-progress';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './args.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>
>['values'];

/**
 * Parses `args` strictly against `options` (plus `--help`/`-h`, which prints `help` and exits 0). Unknown
 * options, missing values and positionals become a UsageError that names the option.
 */
export function parseCommand<const O extends Options>(args: string[], options: O, help: string): Values<O> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help === true) {
    console.log(help);
    process.exit(0);
  }
  return values as Values<O>;
}

/**
 * Runs a command's main: a UsageError prints `<name>: <message>` and exits 2, any other failure prints the
 * error and exits 1; success exits 0 once `main` resolves (pools and timers closed by `main` itself).
 */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`${name}: ${e.message}\nRun "${name} --help" for usage.`);
        process.exit(2);
      }
      console.error(`${name} failed:`, e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}

export interface Progress {
  /** `done` of the total so far; `detail` is shown beside the bar (or added to the JSON line). */
  update(done: number, detail?: Record<string, string | number>): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise one JSON line on stderr at most every
 * `intervalMs` (logs of a job runner), so stdout keeps only the command's result.
 */
export function progress(label: string, total: number, unit: string, intervalMs = 2000): Progress {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {detail} | eta {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { detail: '' });
    return {
      update: (done, detail = {}) =>
        bar.update(Math.min(done, total), {
          detail: Object.entries(detail)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        }),
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, detail = {}) {
      const now = Date.now();
      if (now - last < intervalMs) return;
      last = now;
      console.error(JSON.stringify({ progress: label, done, total, unit, ...detail }));
    },
    stop: () => undefined,
  };
}
