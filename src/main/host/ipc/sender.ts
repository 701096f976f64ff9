/**
 * Sender checks for Electron IPC (pure, testable without Electron): a call is served only when
 * it comes from a frame showing the app's own renderer — the packaged files under the renderer
 * folder (file://) or, in development, the Vite dev server's origin. Anything else (a navigated
 * frame, an iframe from elsewhere, devtools extensions) is refused.
 */
import { pathToFileURL } from 'node:url';

export interface TrustedOrigins {
  /** Folder of the built renderer (file:// pages under it are trusted). */
  readonly rendererDir: string;
  /** Vite dev server URL in development (MAIN_WINDOW_VITE_DEV_SERVER_URL). */
  readonly devServerUrl?: string | undefined;
}

export function isTrustedSender(frameUrl: string | undefined | null, trusted: TrustedOrigins): boolean {
  if (!frameUrl) return false;
  let url: URL;
  try {
    url = new URL(frameUrl);
  } catch {
    return false;
  }
  if (url.protocol === 'file:') {
    const base = pathToFileURL(trusted.rendererDir.endsWith('/') ? trusted.rendererDir : `${trusted.rendererDir}/`).href;
    const page = `${url.protocol}//${url.host}${url.pathname}`;
    return page.startsWith(base) && !decodeURIComponent(url.pathname).includes('..');
  }
  if (trusted.devServerUrl) {
    try {
      return url.origin === new URL(trusted.devServerUrl).origin;
    } catch {
      return false;
    }
  }
  return false;
}
