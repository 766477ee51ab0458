// Worker-thread entry of the Parquet sink (parquet-sink.ts). The apps run from TypeScript with tsx, which a
// worker thread does not always inherit (vitest, a bare `node`): register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./parquet-worker.ts');
