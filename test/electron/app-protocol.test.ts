/**
 * The app:// protocol (electron/app-protocol.ts) serves dist/renderer and nothing outside it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolHandler, resolveAppPath } from '../../electron/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../electron/security.ts';

let base: string;
let root: string;

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'desk-protocol-'));
  root = path.join(base, 'renderer');
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>desk</title>');
  await writeFile(path.join(root, 'assets', 'index.js'), 'console.log(1)');
  // A file beside the root that traversal would reach.
  await writeFile(path.join(base, 'secret.txt'), 'secret');
  await mkdir(path.join(base, 'renderer-evil'), { recursive: true });
  await writeFile(path.join(base, 'renderer-evil', 'x.js'), 'evil');
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('resolveAppPath', () => {
  it('maps app://desk/… into the renderer folder, / to index.html', () => {
    expect(resolveAppPath(root, 'app://desk/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://desk/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://desk/assets/index.js?v=1#x')).toBe(path.join(root, 'assets', 'index.js'));
  });

  it('refuses path traversal in every spelling', () => {
    for (const url of [
      'app://desk/../secret.txt',
      'app://desk/assets/../../secret.txt',
      'app://desk/%2e%2e/secret.txt',
      'app://desk/%2E%2E%2Fsecret.txt',
      'app://desk/assets%2F..%2F..%2Fsecret.txt',
      'app://desk/..%5Csecret.txt',
      'app://desk/%2e%2e%2frenderer-evil/x.js',
      'app://desk/%00index.html',
      'app://desk/%E0%A4%A',
    ]) {
      const resolved = resolveAppPath(root, url);
      if (resolved !== null) {
        // WHATWG URL parsing may already fold a plain `..`; whatever is left must stay inside.
        expect(path.relative(root, resolved).startsWith('..'), url).toBe(false);
      }
      expect(resolved === null || resolved.startsWith(root + path.sep), url).toBe(true);
    }
    // An encoded slash survives URL parsing and only appears on decoding: refused outright.
    expect(resolveAppPath(root, 'app://desk/%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://desk/%2e%2e%2frenderer-evil/x.js')).toBeNull();
    expect(resolveAppPath(root, 'app://desk/assets%2F..%2F..%2Fsecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://desk/..%5Csecret.txt')).toBeNull();
    // Plain and percent-encoded `..` segments are folded by URL parsing at the root.
    expect(resolveAppPath(root, 'app://desk/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppPath(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppPath(root, 'file:///etc/passwd')).toBeNull();
    expect(resolveAppPath(root, 'not a url')).toBeNull();
  });
});

describe('appProtocolHandler', () => {
  it('serves files with their content type and the CSP header', async () => {
    const handler = appProtocolHandler(root);
    const response = await handler(new Request('app://desk/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>desk</title>');

    const script = await handler(new Request('app://desk/assets/index.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('answers 403 to traversal and 404 to missing files', async () => {
    const handler = appProtocolHandler(root);
    const traversal = await handler(new Request('app://desk/%2e%2e%2fsecret.txt'));
    expect(traversal.status).toBe(403);
    expect(await traversal.text()).not.toContain('secret');
    expect((await handler(new Request('app://desk/missing.js'))).status).toBe(404);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const handler = appProtocolHandler(root);
    expect((await handler(new Request('app://desk/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
