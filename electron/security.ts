/**
 * All window hardening in one place (docs/architecture.md, after Actual Budget's `security.ts`; Tad is the
 * counter-example: `nodeIntegration: true`, `contextIsolation: false`).
 *
 * The renderer is served from our own privileged scheme, `app://desk/…` (see `app-protocol.ts`),
 * never from `file://` or a network origin, so that the sender check, the navigation guard and
 * the Content-Security-Policy compare against one exact origin. Nothing here needs the Electron
 * runtime: sessions and web contents are passed in, which is what lets the tests run in Node.
 *
 * Electron security checklist: https://www.electronjs.org/docs/latest/tutorial/security
 */
import type { Session, WebContents, WebFrameMain, WebPreferences } from 'electron';

/** The renderer's scheme and host: `app://desk/index.html`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * The page's Content-Security-Policy: only our own scripts, no inline script, no eval, no remote
 * anything. Style sheets and `<style>` elements only from our own origin (`style-src 'self'`):
 * React's `style={…}` and echarts set styles through the CSSOM, which CSP does not restrict.
 * `style-src-attr 'unsafe-inline'` remains for `style="…"` attributes in markup, which echarts'
 * HTML tooltips write (docs/security.md, "Content-Security-Policy"). `img-src data:` by chart
 * exports (PNG data URLs). The web host (webhost/server.ts) and renderer/index.html carry the
 * same policy.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The `webPreferences` of every window: renderer sandboxed and context-isolated, no Node in the
 * page, its workers or sub-frames, web security on, no `<webview>`. The preload (a single
 * bundled CommonJS file, because a sandboxed preload cannot `require` our modules) is the
 * renderer's only way to the host.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    // The spellchecker downloads dictionaries from Google's CDN; the app is offline by design.
    spellcheck: false,
    preload: preloadPath,
  } as const satisfies WebPreferences;
}

function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a URL belongs to the app's own origin. Compares scheme and host of the parsed URL:
 * WHATWG `URL.origin` is the string `'null'` for non-special schemes such as `app:`, so comparing
 * origins as strings would let every `app:` URL through — and a prefix test on the raw string
 * would accept `app://desk.evil/…` or `app://desk@evil/…`.
 */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST
    && parsed.username === '' && parsed.password === '';
}

/** The app's index page (any `#fragment` or `?query`, which the renderer may use for routing). */
export function isAppIndexUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && isAppUrl(url) && (parsed.pathname === '/index.html' || parsed.pathname === '/');
}

/**
 * Requests the renderer may make: its own files, blobs and data URLs it created itself, and
 * DevTools' own pages in development. Everything else — http(s), ws(s), file, ftp, other hosts
 * of our scheme — is cancelled: the app is offline by design (SPEC: no network access), and a
 * compromised page must not be able to exfiltrate data or read arbitrary local files.
 */
export function isAllowedRequestUrl(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed === null) return false;
  switch (parsed.protocol) {
    case `${APP_SCHEME}:`:
      return isAppUrl(url);
    case 'blob:':
    case 'data:':
    case 'devtools:':
      return true;
    default:
      return false;
  }
}

/** The structural part of `WebFrameMain` the sender check reads. */
export type SenderFrame = Pick<WebFrameMain, 'url' | 'parent'>;

/**
 * Whether an IPC message comes from our own page: the main frame (no parent — a sub-frame could
 * host foreign content), whose parsed URL is on the app's origin. A frame that navigated away or
 * was destroyed is reported as `null` and is refused.
 *
 * After VS Code's `validateEvent` (src/vs/base/parts/ipc/electron-main/ipcMain.ts), which refuses
 * unknown channels, other hosts and sub-frames. Unlike VS Code we do not let `about:blank`
 * through (it appears after a reload from the DevTools performance tab, electron/electron#39427):
 * a refused call there costs a reload, an accepted foreign frame could cost the data.
 */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (frame === null || frame === undefined) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}

/** The parts of `Session` hardening touches (structural, so tests can pass a recorder). */
export type HardenableSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  readonly webRequest: Pick<Session['webRequest'], 'onBeforeRequest' | 'onHeadersReceived'>;
};

/**
 * Hardens a session: every permission request and check is denied (the app needs no camera,
 * notifications, geolocation, USB, …), every request outside the app's own files is cancelled,
 * and the app's responses carry the CSP header. The protocol handler also sets the header on
 * the responses it builds; setting it here too covers responses that bypass that handler.
 */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);

  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequestUrl(details.url) });
  });

  session.webRequest.onHeadersReceived((details, callback) => {
    const protocol = parseUrl(details.url)?.protocol;
    if (protocol !== `${APP_SCHEME}:` && protocol !== 'file:') {
      callback({});
      return;
    }
    const responseHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Replace, never merge with, a policy the response might carry.
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

/** The parts of `WebContents` hardening touches. */
export type HardenableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Hardens a web contents: no navigation or redirect away from the app's index page (a dropped
 * file or a link in imported data must never replace the app), no new windows, no `<webview>`.
 * Applied to every web contents through `app.on('web-contents-created')`.
 */
export function hardenWebContents(contents: HardenableContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppIndexUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppIndexUrl(event.url)) event.preventDefault();
  });
  // Sub-frames too: the app has none, so nothing but the app's own page may load in one.
  contents.on('will-frame-navigate', (event) => {
    if (!isAppIndexUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
