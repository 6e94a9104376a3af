/**
 * `npm run serve`: the loopback web host. Prints the URL (with its per-launch token) to open in
 * any browser. Options: --port N (default: a free port), --data-dir DIR (default
 * ~/.experiment-desk: database and settings), --db PATH (database file, or :memory:).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createDeskService } from '../data/service/desk-service.ts';
import { newToken } from './auth.ts';
import { startWebHost } from './server.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, db: { type: 'string' } },
  strict: true,
});
const port = values.port === undefined ? 0 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`experiment-desk serve: --port ${values.port}: not a port number\n`);
  process.exit(2);
}
const staticDir = fileURLToPath(new URL('../dist/renderer', import.meta.url));
if (!existsSync(join(staticDir, 'index.html'))) {
  process.stderr.write('experiment-desk serve: the renderer is not built; run `npm run build:renderer` (npm run serve does it)\n');
  process.exit(2);
}
const dataDir = values['data-dir'] ?? join(homedir(), '.experiment-desk');
await mkdir(dataDir, { recursive: true });
const service = await createDeskService({
  databasePath: values.db ?? join(dataDir, 'experiment-desk.duckdb'),
  settingsPath: join(dataDir, 'settings.json'),
  // The web host cannot keep a secret: the token comes from the environment only (never stored, never sent to the page).
  apiToken: async () => process.env.EXPERIMENT_DESK_API_TOKEN || null,
  ...(process.env.EXPERIMENT_DESK_API_URL && { apiBaseUrl: process.env.EXPERIMENT_DESK_API_URL }),
});
const host = await startWebHost({ service, staticDir, token: newToken(), port });
process.stdout.write(`Experiment Desk is running. Open this URL in your browser (it holds this session's token):\n\n    ${host.url}\n\nData folder: ${dataDir}. Press Ctrl+C to stop.\n`);

const stop = async (): Promise<void> => {
  await host.close();
  await service.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
