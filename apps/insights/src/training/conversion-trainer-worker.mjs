// Worker-thread entry of the conversion trainer (conversion-trainer.ts). The apps run from TypeScript with
// tsx, which a worker thread does not always inherit (vitest, a bare `node`): register it here, then load
// the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./conversion-trainer-worker.ts');
