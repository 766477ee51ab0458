import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** deploy/ and the repository root. */
export const deployDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = join(deployDir, '..');

export const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

export const APPS = ['ingest', 'realtime', 'metrics', 'insights', 'gateway'] as const;
export type AppName = (typeof APPS)[number];

export interface AppPorts {
  /** The port variables and their defaults, as each app's src/config.ts declares them. */
  readonly grpc?: { readonly variable: string; readonly port: number };
  readonly http: { readonly variable: string; readonly port: number };
}

const portDefault = (source: string, variable: string): number => {
  const match = new RegExp(`\\b${variable}: integer\\((\\d+)`).exec(source);
  if (!match?.[1]) throw new Error(`no integer default for ${variable}`);
  return Number(match[1]);
};

/**
 * The ports each app listens on by default, read from the source of its config.ts (importing an app from
 * here would cross the module boundaries). The gateway's PORT is declared in the shared analytics env.
 */
export function appPorts(app: AppName): AppPorts {
  if (app === 'gateway') {
    const shared = read('libs/shared/config/src/analytics-env.ts');
    if (!/\.\.\.analyticsEnvShape/.test(read('apps/gateway/src/config.ts'))) {
      throw new Error('gateway config no longer spreads analyticsEnvShape: PORT moved');
    }
    return { http: { variable: 'PORT', port: portDefault(shared, 'PORT') } };
  }
  const source = read(`apps/${app}/src/config.ts`);
  const prefix = app.toUpperCase();
  const grpc = `${prefix}_GRPC_PORT`;
  const http = `${prefix}_HTTP_PORT`;
  return {
    grpc: { variable: grpc, port: portDefault(source, grpc) },
    http: { variable: http, port: portDefault(source, http) },
  };
}

/** Stream and consumer base names, read from the bus topology source. */
export function busNames() {
  const source = read('libs/shared/bus/src/topology.ts');
  const pick = (key: string) => {
    const match = new RegExp(`${key}: '([^']+)'`).exec(source);
    if (!match?.[1]) throw new Error(`no ${key} in topology.ts`);
    return match[1];
  };
  return {
    streams: [pick('events'), pick('deadLetters')],
    consumers: [pick('eventStore'), pick('realtime')],
  };
}

/** Every Prometheus metric name the apps register (`name: 'analytics_…'` in their sources). */
export function exportedMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const app of APPS) {
    const files = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', `apps/${app}/src`],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    )
      .split('\n')
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    for (const file of files) {
      for (const m of read(file).matchAll(/name: '([a-z_]+_(?:total|seconds|second|watchers))'/g)) {
        if (m[1]) names.add(m[1]);
      }
    }
  }
  return names;
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
} & Record<string, unknown>;

/**
 * Renders an overlay with `kubectl kustomize` on a copy of deploy/k8s, where the overlay's gitignored
 * secrets.env is written with throwaway values (the real one never exists in a checkout).
 */
export function renderOverlay(overlay: 'dev' | 'prod'): K8sObject[] {
  const work = mkdtempSync(join(tmpdir(), 'broxiva-k8s-'));
  try {
    cpSync(join(deployDir, 'k8s'), work, { recursive: true });
    writeFileSync(
      join(work, 'overlays', overlay, 'secrets.env'),
      'REDIS_PASSWORD=test-only-redis\nJWT_SECRET=test-only-jwt\n',
    );
    const out = execFileSync('kubectl', ['kustomize', join(work, 'overlays', overlay)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
