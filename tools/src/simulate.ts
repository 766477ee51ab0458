// Shop-traffic simulator: live sessions of a plausible shop, sent at a chosen rate.
//   tsx tools/src/simulate.ts --rate 200 --transport grpc --url http://127.0.0.1:50051
//   tsx tools/src/simulate.ts --rate 50 --transport rest --url http://127.0.0.1:8005 --duration 60
import { timestampFromDate, timestampMs } from '@bufbuild/protobuf/wkt';
import { useNodeTextEncoding, type Event } from '@broxiva/contracts';
import { parseArgs } from 'node:util';
import { createEventSender, type Transport } from './event-sender.js';
import { createShop, trafficShape } from './shop-traffic.js';

useNodeTextEncoding();
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '100' },
    transport: { type: 'string', default: 'grpc' },
    url: { type: 'string', default: 'http://127.0.0.1:50051' },
    duration: { type: 'string', default: '0' },
    users: { type: 'string', default: '5000' },
    seed: { type: 'string', default: String(Date.now() % 100_000) },
    currency: { type: 'string', default: 'USD' },
    'api-key': { type: 'string' },
    shape: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`simulate --rate EVENTS_PER_S --transport grpc|connect|rest --url URL [--duration S (0 = until Ctrl-C)]
         [--users N] [--seed N] [--currency USD] [--api-key KEY] [--shape (follow the daily/weekly rhythm)]`);
  process.exit(0);
}
const transport = values.transport as Transport;
if (!['grpc', 'connect', 'rest'].includes(transport))
  throw new Error('--transport must be grpc, connect or rest');
const rate = Number(values.rate);
const send = createEventSender(
  transport,
  values.url,
  values['api-key'] === undefined ? {} : { authorization: `Bearer ${values['api-key']}` },
);
const shop = createShop({
  seed: Number(values.seed),
  users: Number(values.users),
  currency: values.currency,
});
const EVENTS_PER_SESSION = 4.2; // the generator's mean, see shop-traffic.test.ts

// Sessions unfold in real time: each event waits in `due` until its timestamp, then is sent with its
// neighbours in one batch every 100 ms.
const due: Event[] = [];
let sessionCredit = 0;
const totals = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, failed: 0 };
const started = Date.now();

const tick = async () => {
  const now = new Date();
  const shape = values.shape ? trafficShape(now) : 1;
  sessionCredit += (rate * shape * 0.1) / EVENTS_PER_SESSION;
  for (; sessionCredit >= 1; sessionCredit--) {
    // Events are stamped relative to now so their gaps stay realistic; the first is due at once.
    const events = shop.session(new Date(now.getTime() - 2_000));
    due.push(...events);
  }
  due.sort((a, b) => timestampMs(a.timestamp!) - timestampMs(b.timestamp!));
  const cut = due.findIndex((e) => timestampMs(e.timestamp!) > now.getTime());
  const batch = due.splice(0, cut === -1 ? due.length : cut);
  for (const e of batch) e.sentAt = timestampFromDate(now);
  for (let i = 0; i < batch.length; i += 500) {
    const part = batch.slice(i, i + 500);
    totals.sent += part.length;
    try {
      const r = await send(part);
      totals.accepted += r.accepted;
      totals.duplicates += r.duplicates;
      totals.rejected += r.rejected;
    } catch (e) {
      totals.failed += part.length;
      console.error(`send failed: ${(e as Error).message}`);
    }
  }
};

const timer = setInterval(() => void tick(), 100);
const report = setInterval(() => {
  const s = (Date.now() - started) / 1000;
  console.log(JSON.stringify({ seconds: Math.round(s), ...totals, per_second: Math.round(totals.sent / s) }));
}, 5_000);
const stop = () => {
  clearInterval(timer);
  clearInterval(report);
  console.log(JSON.stringify({ done: true, ...totals }));
  process.exit(0);
};
process.once('SIGINT', stop).once('SIGTERM', stop);
if (Number(values.duration) > 0) setTimeout(stop, Number(values.duration) * 1000);
