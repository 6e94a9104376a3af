#!/usr/bin/env node
// Entry point of the `experiment-desk` command. Runs the compiled command line, dist/cli/main.mjs
// (`npm run build:cli`; `npm ci` builds it through the `prepare` script), when it was built from
// the sources as they are now; otherwise — no bundle yet, or a source changed since — the
// TypeScript sources through tsx's loader, which is slower to start but never runs old code.
// EXPERIMENT_DESK_DEBUG=1 names the route taken on stderr (and maps bundle stack traces to the
// sources).
import { fileURLToPath } from 'node:url';
import { currentBundle } from '../build/cli-bundle-state.mjs';

const debug = Boolean(process.env.EXPERIMENT_DESK_DEBUG);
const bundle = currentBundle(fileURLToPath(new URL('..', import.meta.url)));
let main;
if (bundle) {
  if (debug) {
    process.setSourceMapsEnabled(true);
    process.stderr.write(`experiment-desk: running ${fileURLToPath(bundle)}\n`);
  }
  ({ main } = await import(bundle));
} else {
  if (debug) process.stderr.write('experiment-desk: running cli/main.ts through tsx (dist/cli is missing or not built from the current sources)\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
