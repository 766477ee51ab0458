import { fitConversionModel, NotEnoughTrainingDataError } from '@broxiva/insights-behaviour';
import { parentPort, threadId } from 'node:worker_threads';
import type { TrainReply, TrainRequest } from './conversion-trainer.js';

// Fits conversion models off the main thread, one request at a time, in the order they come.
const port = parentPort;
if (port === null) throw new Error('conversion-trainer-worker runs as a worker thread');
port.on('message', (req: TrainRequest) => {
  let reply: TrainReply;
  try {
    reply = { id: req.id, threadId, model: fitConversionModel(req.data, req.options) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply = {
      id: req.id,
      threadId,
      error: { message: err.message, notEnoughData: err instanceof NotEnoughTrainingDataError },
    };
  }
  port.postMessage(reply);
});
