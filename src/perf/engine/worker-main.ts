// Entry point of an engine worker thread: runs a LoadWorker and talks to the coordinator (native.ts) by
// messages: ready -> start -> progress ... -> done. Bundled as its own file (scripts/bundle.mjs), since it is
// started by URL rather than reached by import().
import { parentPort, workerData } from 'node:worker_threads';
import { LoadWorker, type WorkerPlan } from './load-worker.js';

export type ToWorker = { type: 'start'; t0Hr: number; progressMs: number } | { type: 'stop' };

const port = parentPort;
if (port) {
  const worker = new LoadWorker(workerData as WorkerPlan);
  let ticker: NodeJS.Timeout | undefined;
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'stop') {
      worker.abort();
      return;
    }
    ticker = setInterval(() => {
      const p = worker.progress();
      port.postMessage({ type: 'progress', progress: p }, [p.interval.buffer as ArrayBuffer]);
    }, msg.progressMs);
    worker.run(msg.t0Hr).then(
      (outcome) => {
        clearInterval(ticker);
        const transfer = [outcome.uncorrected.counts.buffer];
        if (outcome.corrected) transfer.push(outcome.corrected.counts.buffer);
        port.postMessage({ type: 'done', outcome }, transfer as ArrayBuffer[]);
      },
      (err: unknown) => {
        clearInterval(ticker);
        port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      },
    );
  });
  worker.prepare().then(
    () => port.postMessage({ type: 'ready' }),
    (err: unknown) =>
      port.postMessage({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
}
