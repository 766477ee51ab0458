// Drops event partitions older than MAX_EVENT_AGE_DAYS once, then exits: `npm run retention -w apps/metrics`.
import { pgPool } from '@broxiva/db';
import { createPartitionManager } from '@broxiva/event-store';
import { loadConfig } from '../config.js';

const config = loadConfig(process.env);
const pool = pgPool(config.analyticsDatabaseUrl, { max: 1 });
const cutoff = new Date(Date.now() - config.retention.maxAgeDays * 86_400_000);
const dropped = await createPartitionManager(pool).dropBefore(cutoff);
console.log(JSON.stringify({ cutoff: cutoff.toISOString(), dropped }));
await pool.end();
