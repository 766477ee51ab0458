import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { randomBytes } from 'node:crypto';
import { topology, type Topology, type TopologyOptions } from './topology.js';

/** A fresh `test_…` prefix: the only kind `destroyTopology` agrees to delete. */
export const testPrefix = (): string => `test_${randomBytes(5).toString('hex')}`;

/** Small limits, so a test never reserves the production 200 GiB. */
export const TEST_LIMITS = {
  eventsMaxAgeMs: 3_600_000,
  eventsMaxBytes: 64 * 1024 ** 2,
  deadLettersMaxAgeMs: 3_600_000,
  deadLettersMaxBytes: 16 * 1024 ** 2,
} as const;

/** An isolated copy of the topology for one test: a random prefix on every name, and `TEST_LIMITS`. */
export function testTopology(options: TopologyOptions = {}): Topology {
  return topology({ prefix: testPrefix(), ...TEST_LIMITS, ...options });
}

/** Deletes a test topology's streams (and so its consumers). Refuses any stream not named `test_…`. */
export async function destroyTopology(jsm: JetStreamManager, topo: Topology): Promise<void> {
  for (const { name } of Object.values(topo.streams)) {
    if (!name.startsWith('test_')) throw new Error(`refusing to delete stream ${name}: not a test topology`);
    await jsm.streams.delete(name).catch((err: unknown) => {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    });
  }
}
export { startPrivateNatsServer } from './private-nats-server.js';
