/**
 * `npm run serve`: the loopback web host. Prints the URL (with its per-launch token) to open in
 * any browser. Options: --port N (default: a free port), --data-dir DIR (default
 * ~/.experiment-desk: database, settings and this run's uploads), --db PATH (database file, or
 * :memory:), --max-upload-size SIZE (largest upload, e.g. 500MiB or 20GiB; default 20 GiB),
 * --static-dir DIR (the built renderer; default dist/renderer).
 *
 * Like the command line, a failure the user can fix (a bad option, a database another process
 * holds, a port in use) is one line on stderr and exit code 2; anything else exits 1.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_UPLOAD_BYTES, parseByteSize, uploadRunFolder } from '../data/service/uploads.ts';
import { UserError, cannotOpenDatabase, firstLine, reportFailure } from '../data/user-error.ts';
import { newToken } from './auth.ts';

const PROGRAM = 'experiment-desk serve';

function options(): Partial<Record<'port' | 'data-dir' | 'db' | 'max-upload-size' | 'static-dir', string>> {
  try {
    return parseArgs({
      options: {
        port: { type: 'string' }, 'data-dir': { type: 'string' }, db: { type: 'string' },
        'max-upload-size': { type: 'string' }, 'static-dir': { type: 'string' },
      },
      strict: true,
    }).values;
  } catch (error) {
    throw new UserError(firstLine(error)); // unknown option, missing value
  }
}

function maxUploadSize(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MAX_UPLOAD_BYTES;
  const bytes = parseByteSize(text);
  if (bytes === null) throw new UserError(`--max-upload-size ${text}: not a size (e.g. 500MiB, 20GiB)`);
  return bytes;
}

async function serve(): Promise<void> {
  const values = options();
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port ${values.port}: not a port number`);
  const maxUploadBytes = maxUploadSize(values['max-upload-size']);
  const staticDir = values['static-dir'] ?? fileURLToPath(new URL('../dist/renderer', import.meta.url));
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new UserError(values['static-dir'] === undefined
      ? 'the renderer is not built; run `npm run build:renderer` (npm run serve does it)'
      : `--static-dir ${staticDir}: no index.html there`);
  }
  const dataDir = values['data-dir'] ?? join(homedir(), '.experiment-desk');
  await mkdir(dataDir, { recursive: true, mode: 0o700 }); // owner-only when new; an existing folder is left as it is
  const databasePath = values.db ?? join(dataDir, 'experiment-desk.duckdb');
  // DuckDB and the service are loaded once the options are known good: a usage error is quick.
  const [{ createDeskService }, { startWebHost }] = await Promise.all([import('../data/service/desk-service.ts'), import('./server.ts')]);

  // This run's uploads: a private folder of its own; what crashed runs left is removed first.
  const uploadDir = await uploadRunFolder(join(dataDir, 'web-uploads'));
  const removeUploads = (): Promise<void> => rm(uploadDir, { recursive: true, force: true });
  let service;
  try {
    service = await createDeskService({
      databasePath,
      settingsPath: join(dataDir, 'settings.json'),
      uploadDir,
      // The web host cannot keep a secret: the token comes from the environment only (never stored, never sent to the page).
      apiToken: async () => process.env.EXPERIMENT_DESK_API_TOKEN || null,
      ...(process.env.EXPERIMENT_DESK_API_URL && { apiBaseUrl: process.env.EXPERIMENT_DESK_API_URL }),
    });
  } catch (error) {
    await removeUploads();
    throw cannotOpenDatabase('--db', databasePath, error);
  }
  const opened = service;
  let host;
  try {
    host = await startWebHost({ service: opened, staticDir, token: newToken(), port, maxUploadBytes });
  } catch (error) {
    await opened.close();
    await removeUploads();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw new UserError(`--port ${port}: cannot listen on 127.0.0.1 (${code})`);
    throw error;
  }
  const started = host;
  process.stdout.write(`Experiment Desk is running. Open this URL in your browser (it holds this session's token):\n\n    ${started.url}\n\nData folder: ${dataDir}. Press Ctrl+C to stop.\n`);

  const stop = async (): Promise<void> => {
    await started.close();
    await opened.close();
    await removeUploads();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

try {
  await serve();
} catch (error) {
  process.exit(await reportFailure(error, PROGRAM, (text) => process.stderr.write(text)));
}
