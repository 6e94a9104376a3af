/**
 * The DuckDB worker: entry point of the utility process main forks (`utilityProcess.fork`).
 * All database work — imports, metric SQL, Arrow encoding — runs here, so a long import never
 * blocks the main process's event loop (window moves, menus, IPC) (docs/architecture.md, after Actual
 * Budget's server process).
 *
 * Started with `--desk-database=… --desk-settings=…`; posts `{ type: 'ready' }` once the
 * database is open, or `{ type: 'fatal', message }` and exits 1 if it cannot be.
 */
import { createDeskService, invokeInternal } from '../data/service/desk-service.ts';
import { serveDesk, tokenRequester, type ParentPortLike } from './worker-serve.ts';
import { parseToWorker, parseWorkerArgs } from './worker-protocol.ts';

// `process.parentPort` exists only inside an Electron utility process; typed locally so the
// worker needs no `electron` import at all.
const port = (process as NodeJS.Process & { parentPort?: ParentPortLike }).parentPort;

async function main(parentPort: ParentPortLike): Promise<void> {
  const paths = parseWorkerArgs(process.argv);
  if (paths === null) {
    parentPort.postMessage({ type: 'fatal', message: 'worker started without --desk-database / --desk-settings' });
    process.exit(1);
  }
  let service: Awaited<ReturnType<typeof createDeskService>>;
  const tokens = tokenRequester(parentPort);
  // Answers to token requests must be routed before the service exists (it may ask at start-up).
  parentPort.on('message', ({ data }) => {
    const message = parseToWorker(data);
    if (message?.type === 'token-result') tokens.settle(message);
  });
  try {
    service = await createDeskService({ ...paths, apiToken: tokens.get, setApiToken: tokens.set });
  } catch (error) {
    parentPort.postMessage({ type: 'fatal', message: `cannot open the database: ${error instanceof Error ? error.message : String(error)}` });
    process.exit(1);
  }
  serveDesk(parentPort, {
    service,
    // Main validated the call against the contract and turned file handles into paths (electron/ipc.ts).
    invoke: (method, request) => invokeInternal(service, method, request),
    onShutdown: async () => {
      try {
        await service.close();
      } finally {
        process.exit(0);
      }
    },
  });
  parentPort.postMessage({ type: 'ready' });
}

if (port === undefined) {
  console.error('electron/worker: not running in an Electron utility process');
  process.exitCode = 1;
} else {
  void main(port);
}
