import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SKIPPED_KINDS, validateObject } from './k8s-schema.js';
import {
  APPS,
  appPorts,
  busNames,
  deployDir,
  exportedMetricNames,
  read,
  renderOverlay,
  type K8sObject,
} from './repo.js';

type Container = {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
};
type Probe = { grpc?: { port: number }; httpGet?: { path: string; port: number | string } };
type PodSpec = { containers: Container[]; volumes?: { configMap?: { name: string } }[] };

const overlays = { dev: [] as K8sObject[], prod: [] as K8sObject[] };

beforeAll(() => {
  overlays.dev = renderOverlay('dev');
  overlays.prod = renderOverlay('prod');
});

const find = (objs: K8sObject[], kind: string, name: string) => {
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const workloads = (objs: K8sObject[]) =>
  objs.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
const envValue = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;
const gib = (size: string) => {
  const m = /^(\d+)(G|Gi)$/.exec(size);
  if (!m?.[1]) throw new Error(`unexpected size ${size}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1 : 1e9 / 2 ** 30);
};

describe.each(['dev', 'prod'] as const)('overlay %s', (overlay) => {
  const objs = () => overlays[overlay];

  it('validates every object against the Kubernetes schemas (CloudNativePG kinds skipped)', async () => {
    const results = await Promise.all(
      objs().map(async (o) => [`${o.kind}/${o.metadata.name}`, await validateObject(o)]),
    );
    const skipped = results.filter(([, r]) => r === 'skipped').map(([n]) => n);
    expect(skipped.sort()).toEqual(['Cluster/broxiva-pg', 'Database/broxiva-platform']);
    expect(results.length).toBeGreaterThan(30);
    expect([...SKIPPED_KINDS]).toHaveLength(2);
  });

  it('has a validator that rejects what the API server would', async () => {
    const deployment = structuredClone(find(objs(), 'Deployment', 'ingest'));
    (deployment.spec as { replicas: unknown }).replicas = 'two';
    await expect(validateObject(deployment)).rejects.toThrow(/replicas/);
    const rule = structuredClone(find(objs(), 'PrometheusRule', 'broxiva-analytics'));
    (rule.spec as { groups: unknown }).groups = [{ rules: [] }];
    await expect(validateObject(rule)).rejects.toThrow(/name/);
  });

  it.each(APPS)('%s: Deployment, Service, PodDisruptionBudget and HPA that fit together', (app) => {
    const deployment = find(objs(), 'Deployment', app);
    const service = find(objs(), 'Service', app);
    const pdb = find(objs(), 'PodDisruptionBudget', app);
    const hpa = find(objs(), 'HorizontalPodAutoscaler', app);
    const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } })
      .template.metadata.labels;
    const matches = (selector: Record<string, string>) =>
      Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(matches((service.spec as { selector: Record<string, string> }).selector)).toBe(true);
    expect(
      matches((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels),
    ).toBe(true);
    expect((hpa.spec as { scaleTargetRef: unknown }).scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: app,
    });
    const hpaSpec = hpa.spec as {
      minReplicas: number;
      maxReplicas: number;
      metrics: { type: string; resource?: { name: string } }[];
    };
    expect(hpaSpec.minReplicas).toBeLessThanOrEqual(hpaSpec.maxReplicas);
    expect(hpaSpec.metrics.some((m) => m.type === 'Resource' && m.resource?.name === 'cpu')).toBe(true);
    // Every Service targetPort names a container port.
    const [container] = podSpec(deployment).containers;
    const portNames = new Set(container?.ports?.map((p) => p.name));
    for (const p of (service.spec as { ports: { targetPort: string }[] }).ports)
      expect(portNames).toContain(p.targetPort);
  });

  it.each(APPS)('%s: probes and ports match what the app serves (its config.ts defaults)', (app) => {
    const [container] = podSpec(find(objs(), 'Deployment', app)).containers;
    if (!container) throw new Error('no container');
    const ports = appPorts(app);
    expect(envValue(container, 'APP')).toBe(app);
    expect(envValue(container, ports.http.variable)).toBe(String(ports.http.port));
    const http = container.ports?.find((p) => p.name === 'http');
    expect(http?.containerPort).toBe(ports.http.port);
    const probes = [container.startupProbe, container.readinessProbe, container.livenessProbe];
    if (ports.grpc) {
      expect(envValue(container, ports.grpc.variable)).toBe(String(ports.grpc.port));
      expect(container.ports?.find((p) => p.name === 'grpc')?.containerPort).toBe(ports.grpc.port);
      for (const probe of probes) expect(probe?.grpc).toEqual({ port: ports.grpc.port });
    } else {
      // The gateway's liveness route, declared in its routes.
      expect(read('apps/gateway/src/routes/health.ts')).toMatch(/path: '\/health',/);
      for (const probe of probes) expect(probe?.httpGet).toEqual({ path: '/health', port: 'http' });
    }
  });

  it('sets requests and limits on every container and runs none as root', () => {
    for (const w of workloads(objs())) {
      const spec = podSpec(w) as PodSpec & {
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
      };
      expect(spec.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      expect(spec.securityContext?.runAsUser, w.metadata.name).toBeGreaterThan(0);
      for (const c of spec.containers) {
        expect(Object.keys(c.resources?.requests ?? {}).sort(), `${w.metadata.name}/${c.name}`).toEqual([
          'cpu',
          'memory',
        ]);
        expect(Object.keys(c.resources?.limits ?? {}).sort(), `${w.metadata.name}/${c.name}`).toEqual([
          'cpu',
          'memory',
        ]);
      }
    }
  });

  it('references only ConfigMaps and Secrets it renders (or that CloudNativePG creates)', () => {
    const rendered = new Set(
      objs()
        .filter((o) => o.kind === 'ConfigMap' || o.kind === 'Secret')
        .map((o) => o.metadata.name),
    );
    const operatorMade = new Set(['broxiva-pg-app']);
    for (const w of workloads(objs())) {
      const spec = podSpec(w);
      const refs = [
        ...spec.containers.flatMap((c) => [
          ...(c.env ?? []).flatMap((e) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
          ...(c.envFrom ?? []).flatMap((e) => (e.configMapRef ? [e.configMapRef.name] : [])),
        ]),
        ...(spec.volumes ?? []).flatMap((v) => (v.configMap ? [v.configMap.name] : [])),
      ];
      for (const ref of refs)
        expect(rendered.has(ref) || operatorMade.has(ref), `${w.metadata.name} → ${ref}`).toBe(true);
    }
    const secret = objs().find((o) => o.kind === 'Secret');
    expect(Object.keys(secret?.data ?? {}).sort()).toEqual(['JWT_SECRET', 'REDIS_PASSWORD']);
  });

  it('points the apps at the databases CloudNativePG creates, primary for writes', () => {
    const cluster = find(objs(), 'Cluster', 'broxiva-pg').spec as {
      instances: number;
      bootstrap: { initdb: { database: string; owner: string } };
    };
    const database = find(objs(), 'Database', 'broxiva-platform').spec as {
      name: string;
      owner: string;
      cluster: { name: string };
    };
    expect(database.cluster.name).toBe('broxiva-pg');
    expect(database.owner).toBe(cluster.bootstrap.initdb.owner);
    const [metrics] = podSpec(find(objs(), 'Deployment', 'metrics')).containers;
    if (!metrics) throw new Error('no container');
    expect(envValue(metrics, 'ANALYTICS_DATABASE_URL')).toBe(
      `postgresql://$(PGUSER):$(PGPASSWORD)@broxiva-pg-rw:5432/${cluster.bootstrap.initdb.database}`,
    );
    expect(envValue(metrics, 'DATABASE_URL')).toBe(
      `postgresql://$(PGUSER):$(PGPASSWORD)@broxiva-pg-rw:5432/${database.name}`,
    );
    expect(cluster.instances).toBe(overlay === 'prod' ? 3 : 1);
  });

  it('runs NATS as a 3-node JetStream cluster whose file store fits the streams and the volume', () => {
    const sts = find(objs(), 'StatefulSet', 'nats');
    const spec = sts.spec as {
      replicas: number;
      serviceName: string;
      volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[];
    };
    expect(spec.replicas).toBe(3);
    const conf =
      objs().find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nats-config'))?.data?.[
        'nats.conf'
      ] ?? '';
    const routes = [...conf.matchAll(/nats:\/\/([\w.-]+):6222/g)].map((m) => m[1]);
    expect(routes).toEqual([0, 1, 2].map((i) => `nats-${i}.${spec.serviceName}`));
    expect(conf).toMatch(/jetstream \{/);
    const fileStore = gib(/max_file_store: (\w+)/.exec(conf)?.[1] ?? '');
    const config = objs().find(
      (o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('broxiva-analytics-config'),
    );
    const eventsGib = Number(config?.data?.['EVENTS_STREAM_MAX_GIB']);
    expect(eventsGib + 1).toBeLessThan(fileStore); // + DEAD_LETTERS (1 GiB)
    expect(fileStore).toBeLessThan(gib(spec.volumeClaimTemplates[0]?.spec.resources.requests.storage ?? ''));
    expect(config?.data?.['NATS_URL']).toBe('nats://nats:4222');
  });

  it('alerts only on metrics that the apps or the NATS exporter export', () => {
    const rule = find(objs(), 'PrometheusRule', 'broxiva-analytics').spec as {
      groups: { rules: { alert: string; expr: string }[] }[];
    };
    const exported = exportedMetricNames();
    const alerts = rule.groups.flatMap((g) => g.rules);
    expect(alerts.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'AnalyticsPipelineLagHigh',
        'AnalyticsDeadLetters',
        'AnalyticsGatewayErrorRateHigh',
      ]),
    );
    for (const { expr } of alerts) {
      for (const [name] of expr.matchAll(/\b(?:analytics|gateway)_[a-z_]+/g)) {
        expect(exported, expr).toContain(name.replace(/_bucket$/, ''));
      }
    }
  });
});

describe('overlay differences', () => {
  const externalMetrics = (objs: K8sObject[], app: string) =>
    (
      find(objs, 'HorizontalPodAutoscaler', app).spec as {
        metrics: {
          type: string;
          external?: { metric: { name: string; selector: { matchLabels: Record<string, string> } } };
        }[];
      }
    ).metrics
      .filter((m) => m.type === 'External')
      .map((m) => m.external?.metric);

  it('scales metrics and realtime on their consumer backlog in prod only', () => {
    const { streams, consumers } = busNames();
    const byApp = { metrics: consumers[0], realtime: consumers[1] };
    for (const [app, consumer] of Object.entries(byApp)) {
      expect(externalMetrics(overlays.dev, app)).toEqual([]);
      expect(externalMetrics(overlays.prod, app)).toEqual([
        {
          name: 'jetstream_consumer_num_pending',
          selector: { matchLabels: { stream_name: streams[0], consumer_name: consumer } },
        },
      ]);
    }
  });

  it('replicates the bus streams 3 times in prod only (NATS_STREAM_REPLICAS, applied by provision())', () => {
    const config = (objs: typeof overlays.prod) =>
      objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('broxiva-analytics-config')) as
        { data?: Record<string, string> } | undefined;
    expect(config(overlays.prod)?.data?.['NATS_STREAM_REPLICAS']).toBe('3');
    expect(config(overlays.dev)?.data?.['NATS_STREAM_REPLICAS']).toBeUndefined();
    expect(busNames().streams.length).toBeGreaterThan(0);
  });

  it('keeps every Secret value out of git: no Secret manifest in deploy/k8s', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
      );
    for (const file of files(join(deployDir, 'k8s')).filter((f) => f.endsWith('.yaml'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/^kind: Secret$/m);
    }
  });
});
