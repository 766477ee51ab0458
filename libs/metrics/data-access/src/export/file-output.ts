import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A file written in chunks, waiting for the disk when the stream's buffer is full (backpressure). */
export function fileOutput(path: string) {
  const stream = createWriteStream(path);
  let failed: Error | undefined;
  stream.on('error', (e) => {
    failed = e;
  });
  return {
    async write(chunk: string): Promise<void> {
      if (failed !== undefined) throw failed;
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async close(): Promise<void> {
      if (failed !== undefined) throw failed;
      stream.end();
      await once(stream, 'finish');
    },
  };
}
