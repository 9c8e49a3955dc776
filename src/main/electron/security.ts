import type { WebContents, WebPreferences } from 'electron';
import type { Logger } from '../logger';

/**
 * The page's Content-Security-Policy, sent as a header on every response of the app's
 * session (index.html carries the same policy as a meta tag for `file://`, where no
 * headers exist). No remote code, no inline scripts, no eval; the UI talks to main only
 * through the preload bridge.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Electron's security checklist, as web preferences for every window. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/**
 * Whether `url` (a sender frame's or a navigation target's) is the app's own page.
 * For `file://` apps the origin is opaque (`null`), so the exact file path is compared;
 * for the dev server its origin. Query and hash never matter.
 */
export function isAppUrl(url: string | undefined, appUrl: string): boolean {
  if (!url) return false;
  let candidate: URL;
  let app: URL;
  try {
    candidate = new URL(url);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    return candidate.protocol === 'file:' && candidate.pathname === app.pathname;
  }
  return candidate.origin === app.origin;
}

/**
 * Blocks every way a window could leave the app: navigations (links, drag-and-drop,
 * `location =`), redirects and `window.open`. http(s) links the user clicks open in the
 * default browser instead, through `openExternal`.
 */
export function hardenWebContents(
  contents: WebContents,
  appUrl: string,
  openExternal: (url: string) => void,
  logger: Logger,
): void {
  const block = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url, appUrl)) return;
    event.preventDefault();
    logger.warn(`blocked navigation to ${url}`);
  };
  contents.on('will-navigate', block);
  contents.on('will-redirect', block);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) openExternal(url);
    else logger.warn(`blocked window.open(${url})`);
    return { action: 'deny' };
  });
}
