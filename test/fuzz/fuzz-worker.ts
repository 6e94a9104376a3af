/**
 * A fuzz worker (a child process of `run-fuzz.ts`): runs the cases it is sent, one at a time, and
 * answers each with its result. A crash or a hang kills only this process, and the runner then
 * knows which case was running.
 */
import { generateCase } from './generate-cases.ts';
import { childProcess, inProcess, runCase } from './fuzz-case.ts';

export interface WorkerRequest {
  readonly seed: number;
  readonly index: number;
  readonly workDir: string;
  readonly keep: boolean;
  readonly spawn: boolean;
}

process.on('message', (message: WorkerRequest) => {
  void (async () => {
    const result = await runCase(generateCase(message.seed, message.index), message.workDir, { keep: message.keep, run: message.spawn ? childProcess : inProcess });
    process.send!({ result });
  })();
});
process.send!({ ready: true });
