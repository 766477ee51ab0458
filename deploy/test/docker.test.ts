import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { APPS, appPorts, deployDir, read, repoRoot } from './repo.js';

const text = read('deploy/Dockerfile');
const dockerfile = DockerfileParser.parse(text);
const instructions = dockerfile.getInstructions();
const last = (keyword: string) => instructions.filter((i) => i.getKeyword() === keyword).at(-1);

describe('deploy/Dockerfile', () => {
  it('passes the dockerfile-utils linter with no diagnostics', () => {
    expect(validate(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds in stages and runs as the unprivileged node user with a health check', () => {
    const stages = dockerfile.getFROMs().map((f) => f.getBuildStage());
    expect(stages).toEqual(['manifests', 'deps', 'runtime']);
    expect(last('USER')?.getArgumentsContent()).toBe('node');
    expect(last('HEALTHCHECK')?.getArgumentsContent()).toContain('"node", "deploy/docker/healthcheck.mjs"');
    expect(last('ENTRYPOINT')?.getArgumentsContent()).toBe('["deploy/docker/entrypoint.sh"]');
    expect(text).toMatch(/npm ci --omit=dev/);
  });

  it('copies only paths that exist, and ignores node_modules and .git in the build context', () => {
    for (const copy of instructions.filter((i) => i.getKeyword() === 'COPY')) {
      if (copy.getTextContent().includes('--from=')) continue;
      const args = copy
        .getArguments()
        .map((a) => a.getValue())
        .filter((a) => !a.startsWith('--'));
      for (const src of args.slice(0, -1)) expect(existsSync(join(repoRoot, src)), src).toBe(true);
    }
    const ignore = read('deploy/Dockerfile.dockerignore').split('\n');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '.git', '**/.env']));
  });

  it('keeps tsx, the runtime loader, in production dependencies', () => {
    const pkg = JSON.parse(read('deploy/package.json')) as { dependencies?: Record<string, string> };
    expect(pkg.dependencies?.['tsx']).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean }> };
    expect(lock.packages['node_modules/tsx']?.dev).toBeUndefined();
  });
});

describe('deploy/docker/entrypoint.sh', () => {
  const entrypoint = join(deployDir, 'docker/entrypoint.sh');

  it('is valid sh and refuses an unknown APP or command', () => {
    execFileSync('sh', ['-n', entrypoint]);
    const bad = spawnSync('sh', [entrypoint], { env: { APP: 'billing' }, encoding: 'utf8' });
    expect(bad.status).toBe(64);
    expect(bad.stderr).toContain('APP must be one of ingest, realtime, metrics, insights, gateway');
    const noCommand = spawnSync('sh', [entrypoint, 'launch'], {
      env: { APP: 'metrics' },
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(noCommand.status).toBe(64);
    expect(existsSync(join(repoRoot, 'apps/metrics/src/commands/migrate.ts'))).toBe(true);
  });
});

describe('deploy/docker/healthcheck.mjs', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  // A stand-in for an app: answers like the Connect health route or the gateway's /health.
  async function serve(status: number, body: string) {
    const requests: string[] = [];
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, requests };
  }
  // Run as Docker runs it: a fresh environment with APP and the port variables only.
  const check = (env: Record<string, string>) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(deployDir, 'docker/healthcheck.mjs')], {
        env: { PATH: process.env['PATH'] ?? '', ...env },
        stdio: 'ignore',
      });
      child.on('exit', resolve);
    });

  it('uses the same default HTTP ports as the apps', () => {
    const source = read('deploy/docker/healthcheck.mjs');
    for (const app of APPS) {
      const { http } = appPorts(app);
      expect(source).toContain(`${app}: ['${http.variable}', ${http.port}]`);
    }
  });

  it('passes on SERVING from grpc.health.v1.Health/Check and fails otherwise', async () => {
    const up = await serve(200, '{"status":"SERVING"}');
    expect(await check({ APP: 'metrics', METRICS_HTTP_PORT: String(up.port) })).toBe(0);
    expect(up.requests).toEqual(['POST /grpc.health.v1.Health/Check']);
    server?.close();
    const down = await serve(200, '{"status":"NOT_SERVING"}');
    expect(await check({ APP: 'ingest', INGEST_HTTP_PORT: String(down.port) })).toBe(1);
  });

  it('checks GET /health on the gateway', async () => {
    const up = await serve(200, '{"status":"ok"}');
    expect(await check({ APP: 'gateway', PORT: String(up.port) })).toBe(0);
    expect(up.requests).toEqual(['GET /health']);
    server?.close();
    const down = await serve(503, '{}');
    expect(await check({ APP: 'gateway', PORT: String(down.port) })).toBe(1);
  });
});
