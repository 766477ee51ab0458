import { createRedis, ready } from '@broxiva/redis';
import { createWriteKeys } from './auth/write-keys.js';
import { loadConfig } from './config.js';

// Manages write keys: `npm run keys -w @broxiva/gateway-app -- create|revoke <name>` or `list`.
// A created key is printed once; only its SHA-256 hash is stored.
const [command, name] = process.argv.slice(2);
const config = loadConfig(process.env);
const redis = createRedis({ ...config.redis, keyPrefix: 'broxiva:gateway' });
try {
  await ready(redis);
  const keys = createWriteKeys(redis);
  if (command === 'create' && name !== undefined) {
    console.log(await keys.create(name));
  } else if (command === 'revoke' && name !== undefined) {
    if (!(await keys.revoke(name))) throw new Error(`no key named ${name}`);
    console.log(`revoked ${name}`);
  } else if (command === 'list') {
    for (const n of await keys.list()) console.log(n);
  } else {
    throw new Error('usage: keys create <name> | revoke <name> | list');
  }
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  redis.disconnect();
}
