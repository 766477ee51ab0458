// Lists or replays dead letters: `npm run dead-letters -w apps/metrics -- list|replay [--limit N] [--consumer C]`.
import { connectBus, listDeadLetters, replayDeadLetters, topology } from '@broxiva/bus';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { limit: { type: 'string', default: '100' }, consumer: { type: 'string' } },
});
const action = positionals[0];
if (action !== 'list' && action !== 'replay') {
  console.error('usage: dead-letters list|replay [--limit N] [--consumer event-store|realtime]');
  process.exit(2);
}
const limit = Number(values.limit);
const config = loadConfig(process.env);
const topo = topology(config.topology);
const bus = await connectBus({ url: config.natsUrl, name: 'dead-letters' });
const filter = values.consumer === undefined ? {} : { consumer: values.consumer };
if (action === 'list') {
  const letters = await listDeadLetters(bus.jsm, topo, { limit, ...filter });
  for (const l of letters) console.log(JSON.stringify({ ...l, data: undefined, bytes: l.data.length }));
} else {
  console.log(JSON.stringify(await replayDeadLetters(bus.js, topo, { limit, ...filter })));
}
await bus.close();
