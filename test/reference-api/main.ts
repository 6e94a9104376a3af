/**
 * `npm run api:dev`: the reference ChangeSet API for demos, on 127.0.0.1.
 *
 *   npm run api:dev -- [--port 4010] [--db reference-api.duckdb]
 *
 * The token is `EXPERIMENT_DESK_API_TOKEN` when set, else random; both the URL and the token are
 * printed (this is a local stand-in for the Profit Engine, not a place for real secrets).
 */
import { parseArgs } from 'node:util';
import { startReferenceServer } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    db: { type: 'string', default: ':memory:' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`api:dev: --port ${values.port}: not a port number\n`);
  process.exit(2);
}

const server = await startReferenceServer({
  port,
  databasePath: values.db,
  ...(process.env.EXPERIMENT_DESK_API_TOKEN && { token: process.env.EXPERIMENT_DESK_API_TOKEN }),
  ...(!values.quiet && { log: (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`) }),
});

process.stdout.write([
  `Reference ChangeSet API listening on ${server.url} (database: ${values.db})`,
  `token: ${server.token}`,
  '',
  'Point Experiment Desk at it:',
  `  export EXPERIMENT_DESK_API_URL=${server.url}`,
  `  export EXPERIMENT_DESK_API_TOKEN=${server.token}`,
  '',
].join('\n'));

const shutdown = (): void => {
  server.stop().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
