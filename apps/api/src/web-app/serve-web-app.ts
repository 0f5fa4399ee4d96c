import { existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import compression from 'compression';
import * as express from 'express';

/** What the page may load: its own files only (no CDN, no inline script), and no framing by another site. */
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  // The design system sets style attributes from its components.
  "style-src 'self' 'unsafe-inline'",
  // The design system's stylesheet embeds an icon font as a data: URL.
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Serves the web interface (apps/web, built by `npm run build` into WEB_DIST_DIR): its files under /app, its page for
 * every client route under /app (the API owns the paths at the root), and `/` sent there. Without a build nothing is
 * served and the caller says so; the API works the same.
 */
export function serveWebApp(app: express.Express, dir: string): boolean {
  const root = resolve(dir);
  const page = join(root, 'index.html');
  if (!existsSync(page)) return false;
  app.get('/', (_request, response) => response.redirect(302, '/app/'));
  // The page's files gzipped for a browser that accepts it (about a quarter of their size); the API's own answers
  // are left as they are.
  app.use('/app', compression());
  app.use(
    '/app',
    express.static(root, {
      index: false,
      redirect: false,
      setHeaders(response, path) {
        response.setHeader('X-Content-Type-Options', 'nosniff');
        // The page asked for by its file name (/app/index.html) is the page: the same policy.
        if (path.endsWith('.html')) pageHeaders(response);
        // Vite names every asset by its content's hash: it never changes under its name.
        if (path.startsWith(join(root, 'assets'))) response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  app.get(['/app', '/app/{*route}'], (request, response, next) => {
    // A missing file (it has an extension) is a 404 from the API, not the page.
    if (extname(request.path) !== '') return next();
    pageHeaders(response);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.sendFile(page);
  });
  return true;
}

function pageHeaders(response: express.Response): void {
  response.setHeader('Content-Security-Policy', PAGE_POLICY);
  response.setHeader('Cache-Control', 'no-cache');
}
