/**
 * `npm run api:dev` (test/reference-api/main.ts) as a process: it prints its 127.0.0.1 URL and
 * token, serves the seeded demo ChangeSets, and stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run api:dev', () => {
  it('prints URL and token, serves the demo ChangeSets on 127.0.0.1, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/reference-api/main.ts', '--port', '0', '--quiet'], {
      cwd: ROOT, env: { ...process.env, EXPERIMENT_DESK_API_TOKEN: 'dev-token-abc' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      for (let i = 0; i < 300 && !output.includes('EXPERIMENT_DESK_API_TOKEN='); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(url).toBeDefined();
      expect(output).toContain('token: dev-token-abc');
      const response = await fetch(`${url}/v1/changesets?status=MEASURING`, { headers: { Authorization: 'Bearer dev-token-abc' } });
      const body = (await response.json()) as { data: { actionPlan: { implementation: { featureFlagKey?: string } } }[] };
      expect(body.data.map((c) => c.actionPlan.implementation.featureFlagKey)).toEqual(['checkout-redesign', 'spring-offer']);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
