/**
 * Helpers for the web host's request-level tests: the real `npm run serve` entry point
 * (webhost/main.ts) in a child process, so that a request that kills the host shows as an exit,
 * and raw HTTP over `node:net` for what `fetch` and `http.request` refuse to send.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-datasets.ts';

const MAIN = join(REPO_ROOT, 'webhost', 'main.ts');

/** Environment of a child host: no ChangeSet API, no debug stacks. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.EXPERIMENT_DESK_API_URL;
  delete env.EXPERIMENT_DESK_API_TOKEN;
  delete env.EXPERIMENT_DESK_DEBUG;
  return env;
}

function spawnMain(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface MainRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs webhost/main.ts to its exit (for start-up failures). */
export function runMain(args: readonly string[], timeoutMs = 60_000): Promise<MainRun> {
  const child = spawnMain(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`webhost/main.ts did not exit within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ChildHost {
  readonly port: number;
  readonly token: string;
  readonly child: ChildProcess;
  /** True while the process runs. */
  alive(): boolean;
  /** What the host wrote on stderr so far. */
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Starts webhost/main.ts with `args` and resolves once it printed its URL. */
export function startChildHost(args: readonly string[], timeoutMs = 60_000): Promise<ChildHost> {
  const child = spawnMain(args);
  let stdout = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    exited = true;
    resolve(code);
  }));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the web host did not start within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the web host exited (${code}) before starting; stderr: ${stderr}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        port: Number(match[1]),
        token: match[2]!,
        child,
        alive: () => !exited && child.exitCode === null && child.signalCode === null,
        stderr: () => stderr,
        stop: async () => {
          if (!exited) child.kill('SIGTERM');
          return exit;
        },
      });
    });
  });
}

export interface RawReply {
  /** 0 when the connection closed (or timed out) without a status line. */
  readonly status: number;
  /** Header lines, lower-case names. */
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly raw: string;
  /** The host did not close the connection in time (the request was left incomplete on purpose, or is a stream). */
  readonly timedOut: boolean;
}

/**
 * Writes `bytes` to the host as they are and reads until the host closes the connection, or
 * until `timeoutMs` (then the connection is dropped). Requests should carry `Connection: close`
 * so that the host closes after its answer.
 */
export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 2_000): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset after the answer is fine: what was read counts
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status, headers, body: rest.join('\r\n\r\n'), raw, timedOut });
    });
  });
}

/** An HTTP/1.1 request as bytes: request line, headers (in order, as given), blank line, body. */
export function httpBytes(method: string, target: string, headers: readonly (readonly [string, string])[], body: string | Buffer = ''): Buffer {
  const head = `${method} ${target} HTTP/1.1\r\n${headers.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** A stack trace in a response body (`at fn (file.ts:1:2)`, `at file:///x.js:3:4`). */
export const STACK_TRACE = /\bat (?:[\w$.<>[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+/;

/** The host still answers an authenticated contract call. */
export async function answersAuthenticated(port: number, token: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/call/listExperiments`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}',
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { ok?: boolean };
    return response.status === 200 && body.ok === true;
  } catch {
    return false;
  }
}
