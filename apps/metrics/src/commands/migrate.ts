// Creates the analytics and platform databases if missing and applies pending migrations:
// `npm run migrate -w apps/metrics`.
import { loadConfig } from '../config.js';
import { migrate, migratePlatform } from '../migrate.js';

const config = loadConfig(process.env);
const applied = [
  ...(await migrate(config.analyticsDatabaseUrl)),
  ...(await migratePlatform(config.databaseUrl)),
];
console.log(JSON.stringify({ applied }));
