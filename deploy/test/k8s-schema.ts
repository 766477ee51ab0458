import type { K8sObject } from './repo.js';

type Model = new (data: unknown) => { validate(): void };

/**
 * Custom resources with no schema package in the npm registry that installs here: CloudNativePG's Cluster
 * and Database. They are skipped by kind, and only these; every other object must validate.
 */
export const SKIPPED_KINDS = new Set(['postgresql.cnpg.io/v1/Cluster', 'postgresql.cnpg.io/v1/Database']);

// kubernetes-models ships the Kubernetes OpenAPI schemas (and @kubernetes-models/prometheus-operator the
// ServiceMonitor/PrometheusRule CRD schemas) inside the package: validation needs no network.
const MODELS: Record<string, () => Promise<unknown>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'autoscaling/v2': () => import('kubernetes-models/autoscaling/v2'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'monitoring.coreos.com/v1': () => import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'),
};

async function modelsFor(apiVersion: string): Promise<Record<string, Model>> {
  const load = MODELS[apiVersion];
  if (load === undefined) throw new Error(`no schema package for apiVersion ${apiVersion}`);
  return (await load()) as Record<string, Model>;
}

/** Validates one rendered object against its schema; resolves 'skipped' for SKIPPED_KINDS. */
export async function validateObject(obj: K8sObject): Promise<'valid' | 'skipped'> {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (SKIPPED_KINDS.has(key)) return 'skipped';
  const model = (await modelsFor(obj.apiVersion))[obj.kind];
  if (model === undefined) throw new Error(`no schema for ${key}`);
  new model(obj).validate();
  return 'valid';
}
