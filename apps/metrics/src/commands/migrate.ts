// Creates the analytics database if missing and applies pending migrations: `npm run migrate -w apps/metrics`.
import { loadConfig } from '../config.js';
import { migrate } from '../migrate.js';

const applied = await migrate(loadConfig(process.env).analyticsDatabaseUrl);
console.log(JSON.stringify({ applied }));
