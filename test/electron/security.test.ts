/**
 * Window hardening (electron/security.ts, electron/window.ts): the window's preferences, the
 * navigation / window-open / webview guards, the session's permission and request filters, and
 * the IPC sender check. Electron objects are replaced by recorders of the handlers installed on
 * them; nothing here loads the Electron runtime.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  APP_INDEX_URL,
  CONTENT_SECURITY_POLICY,
  hardenSession,
  hardenWebContents,
  isAllowedRequestUrl,
  isAppIndexUrl,
  isTrustedSender,
  secureWebPreferences,
  type HardenableContents,
  type HardenableSession,
  type SenderFrame,
} from '../../electron/security.ts';
import { mainWindowOptions } from '../../electron/window.ts';

type Listener = (...args: unknown[]) => unknown;

/** A web contents that records what hardening installs on it. */
function recordingContents() {
  const listeners = new Map<string, Listener>();
  let windowOpenHandler: Listener | null = null;
  const contents = {
    on: (event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler: (handler: Listener) => {
      windowOpenHandler = handler;
    },
  };
  hardenWebContents(contents as unknown as HardenableContents);
  /** Emits a navigation-like event; returns whether the handler prevented it. */
  const emit = (event: string, url: string): boolean => {
    const listener = listeners.get(event);
    if (listener === undefined) throw new Error(`no ${event} listener`);
    const preventDefault = vi.fn();
    listener({ url, preventDefault });
    return preventDefault.mock.calls.length > 0;
  };
  return { listeners, emit, windowOpen: () => windowOpenHandler?.({ url: 'https://example.com/' }) };
}

/** A session that records the handlers hardening installs. */
function recordingSession() {
  const handlers: Record<string, Listener> = {};
  const session = {
    setPermissionRequestHandler: (handler: Listener) => {
      handlers.permissionRequest = handler;
    },
    setPermissionCheckHandler: (handler: Listener) => {
      handlers.permissionCheck = handler;
    },
    setDevicePermissionHandler: (handler: Listener) => {
      handlers.devicePermission = handler;
    },
    webRequest: {
      onBeforeRequest: (handler: Listener) => {
        handlers.beforeRequest = handler;
      },
      onHeadersReceived: (handler: Listener) => {
        handlers.headersReceived = handler;
      },
    },
  };
  hardenSession(session as unknown as HardenableSession);
  return handlers;
}

function frame(url: string, parent: SenderFrame | null = null): SenderFrame {
  return { url, parent } as SenderFrame;
}

describe('the main window', () => {
  const preload = '/app/dist/electron/preload.cjs';
  const options = mainWindowOptions(preload);

  it('isolates and sandboxes the renderer, with no Node anywhere in the page', () => {
    expect(options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload,
    });
    expect(options.webPreferences).toEqual(secureWebPreferences(preload));
  });

  it('stays hidden until ready-to-show, on a black background, with a title and a minimum size', () => {
    expect(options.show).toBe(false);
    expect(options.backgroundColor).toBe('#000000');
    expect(options.title).toBe('Experiment Desk');
    expect(options.minWidth).toBeGreaterThanOrEqual(800);
    expect(options.minHeight).toBeGreaterThanOrEqual(600);
  });
});

describe('navigation guard', () => {
  it('allows the app index page and denies every other URL', () => {
    const { emit } = recordingContents();
    expect(emit('will-navigate', APP_INDEX_URL)).toBe(false);
    expect(emit('will-navigate', `${APP_INDEX_URL}#/experiments`)).toBe(false);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:5173/index.html',
      'file:///home/analyst/events.csv',
      'app://desk/other.html',
      'app://desk.evil/index.html',
      'app://desk@evil/index.html',
      'app://other/index.html',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(emit('will-navigate', url), url).toBe(true);
    }
  });

  it('denies redirects and sub-frame navigations away from the app too', () => {
    const { emit } = recordingContents();
    expect(emit('will-redirect', 'https://example.com/')).toBe(true);
    expect(emit('will-redirect', APP_INDEX_URL)).toBe(false);
    expect(emit('will-frame-navigate', 'https://example.com/')).toBe(true);
  });

  it('denies new windows and webviews', () => {
    const { windowOpen, emit } = recordingContents();
    expect(windowOpen()).toEqual({ action: 'deny' });
    expect(emit('will-attach-webview', 'https://example.com/')).toBe(true);
  });

  it('recognises the index URL exactly', () => {
    expect(isAppIndexUrl('app://desk/')).toBe(true);
    expect(isAppIndexUrl('app://desk/index.html?x=1')).toBe(true);
    expect(isAppIndexUrl('app://desk/assets/index.js')).toBe(false);
  });
});

describe('session hardening', () => {
  it('denies every permission request, check and device permission', () => {
    const handlers = recordingSession();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      handlers.permissionRequest?.(null, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(handlers.permissionCheck?.(null, permission, 'app://desk', {})).toBe(false);
    }
    expect(handlers.devicePermission?.({ deviceType: 'usb', origin: 'app://desk' })).toBe(false);
  });

  it('cancels every request that is not the app’s own', () => {
    const handlers = recordingSession();
    const cancelled = (url: string): boolean => {
      const callback = vi.fn();
      handlers.beforeRequest?.({ url }, callback);
      return (callback.mock.calls[0]?.[0] as { cancel: boolean }).cancel;
    };
    expect(cancelled('app://desk/index.html')).toBe(false);
    expect(cancelled('app://desk/assets/index-abc.js')).toBe(false);
    expect(cancelled('data:image/png;base64,AAAA')).toBe(false);
    expect(cancelled('blob:app://desk/0b4b3d0e')).toBe(false);
    expect(cancelled('https://fonts.googleapis.com/css')).toBe(true);
    expect(cancelled('http://127.0.0.1:8080/api')).toBe(true);
    expect(cancelled('ws://127.0.0.1:8080/')).toBe(true);
    expect(cancelled('file:///etc/passwd')).toBe(true);
    expect(cancelled('app://evil/index.html')).toBe(true);
    expect(isAllowedRequestUrl('::not a url::')).toBe(false);
  });

  it('puts the strict CSP on the app’s responses, replacing any other policy', () => {
    const handlers = recordingSession();
    const callback = vi.fn();
    handlers.headersReceived?.({
      url: 'app://desk/index.html',
      responseHeaders: { 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'] },
    }, callback);
    const { responseHeaders } = callback.mock.calls[0]?.[0] as { responseHeaders: Record<string, string[]> };
    expect(responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(responseHeaders['content-security-policy']).toBeUndefined();
    expect(responseHeaders['Content-Type']).toEqual(['text/html']);

    const other = vi.fn();
    handlers.headersReceived?.({ url: 'devtools://devtools/bundled/inspector.html', responseHeaders: {} }, other);
    expect(other).toHaveBeenCalledWith({});
  });

  it('the CSP allows only our own scripts and no remote anything', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
  });
});

describe('isTrustedSender', () => {
  it('trusts the app’s main frame', () => {
    expect(isTrustedSender(frame(APP_INDEX_URL))).toBe(true);
    expect(isTrustedSender(frame(`${APP_INDEX_URL}#/settings`))).toBe(true);
  });

  it('rejects sub-frames, even of our own origin', () => {
    expect(isTrustedSender(frame(APP_INDEX_URL, frame(APP_INDEX_URL)))).toBe(false);
  });

  it('rejects other origins, look-alikes and missing frames', () => {
    for (const url of [
      'https://example.com/',
      'file:///home/analyst/index.html',
      'app://other/index.html',
      'app://desk.evil/index.html',
      'app://desk@evil/',
      'about:blank',
      '',
    ]) {
      expect(isTrustedSender(frame(url)), url).toBe(false);
    }
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
  });
});
