// Which paths belong to the web UI and how its files may be cached: pure rules, unit-tested.

/** Paths the API owns: never answered with the UI, whatever the method. */
const API_PREFIXES = ['/api', '/dicom-web', '/healthz', '/readyz'];

/** True for paths the UI serves: its files and its client-side routes (everything but the API). */
export function isUiRoute(path: string): boolean {
  return !API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * True when a UI path that is not a file of the build is a client-side route (answered with
 * index.html) rather than a missing file (404): its last segment has no file extension. An
 * extension starts with a letter, so a UID in a route (1.2.840.113619…) is not one.
 */
export function isClientRoute(path: string): boolean {
  return !/\.[A-Za-z][A-Za-z0-9]{0,7}$/.test(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * Cache-Control for a file of the built UI (path relative to its directory, starting with /).
 * Vite names everything under /assets/ after its content hash, so those never change
 * (RFC 8246 immutable); index.html and the rest are revalidated on every load so a new build
 * is picked up at once.
 */
export function staticCacheControl(relativePath: string): string {
  return relativePath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Headers of the UI's HTML: scripts and styles only from this origin, thumbnails as blob: URLs,
 * no framing (clickjacking), no referrer leaking UIDs in URLs to other sites.
 */
export const UI_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};
