import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it), or the one CHROMIUM_PATH names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** What the interface is built from: its sources, the API client's, and the packages' versions. */
const WEB_SOURCES = ['apps/web', 'libs/api-client/src', 'package-lock.json'];

/**
 * The web interface built from the sources as they are now (as `npm run build` does), in a folder named by their hash:
 * built once, then shared by every browser test, script and benchmark run on the same sources (a build takes some
 * fifteen seconds of CPU; five suites used to pay it each). The folder is left in the system's temporary directory.
 */
export function buildWebInterface(): string {
  const outDir = join(tmpdir(), `piao-web-${sourcesHash()}`);
  if (existsSync(join(outDir, 'index.html'))) return outDir;
  const staging = mkdtempSync(join(tmpdir(), 'piao-web-build-'));
  // Two suites may build at once (each into a staging folder of its own, the first finished one kept): Vite's lock
  // against a second build of the same project would fail the later one, so it is bypassed.
  execFileSync('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mts', '--bypass-lock'], {
    env: { ...process.env, NODE_ENV: 'production', WEB_OUT_DIR: staging },
    stdio: 'pipe',
  });
  try {
    // Whole or not at all: a folder named by the hash always holds a finished build.
    renameSync(staging, outDir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return outDir;
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  const add = (path: string): void => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules') add(join(path, name));
    } else {
      hash.update(path).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  for (const path of WEB_SOURCES) add(path);
  return hash.digest('hex').slice(0, 16);
}

/** A page in a new Italian browser context that keeps what its Content-Security-Policy blocked (a file or a style). */
export async function watchedPage(browser: Browser, timeoutMs = 10_000): Promise<{ context: BrowserContext; page: Page; blocked: string[] }> {
  const context = await browser.newContext({ locale: 'it-IT' });
  const page = await context.newPage();
  page.setDefaultTimeout(timeoutMs);
  const blocked: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
  });
  return { context, page, blocked };
}

/** The page as it is now has no WCAG 2.1 AA violation, and its policy blocked nothing the interface needs. */
export async function expectAccessible(page: Page, blocked: readonly string[]): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(blocked).toEqual([]);
}

/** Violations of WCAG 2.1 A and AA on the page as it is now (the level Italian law requires of public administrations). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** What has the keyboard focus (the test's own code has no DOM types: the page is asked in its own words). */
export interface Focused {
  tag?: string;
  id?: string;
  text?: string;
  label?: string;
  ariaLabel?: string;
  /** The heading of the form it is in, if any: two forms may have fields of the same label. */
  form?: string;
}

export function focused(page: Page): Promise<Focused> {
  return page.evaluate(`(() => {
    const e = document.activeElement;
    const form = e?.closest('form')?.querySelector('h1, h2, h3, h4, h5, h6')?.textContent ?? undefined;
    return e ? { tag: e.tagName, id: e.id, text: e.textContent, label: e.labels?.[0]?.textContent, ariaLabel: e.getAttribute('aria-label') ?? undefined, form } : {};
  })()`);
}

/** Tabs forward until `reached` holds of the focused element (at most `limit` stops); the element reached. */
export async function tabUntil(page: Page, reached: (f: Focused) => boolean, limit = 30): Promise<Focused> {
  for (let i = 0; i < limit; i++) {
    const now = await focused(page);
    if (reached(now)) return now;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${limit} Tab presses did not reach the element`);
}

/** Signs in through the page's development sign-in form as anyone of the demo ente, and waits for the session. */
export async function signInThroughPage(page: Page, base: string, person: { personId: string; name: string; role: string }): Promise<void> {
  await page.goto(`${base}/app/sign-in`);
  await page.getByLabel('Identificativo').fill(person.personId);
  await page.getByLabel('Nome e cognome').fill(person.name);
  await page.getByLabel('Ruolo').selectOption(person.role);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.getByTestId('signed-in-as').waitFor();
}

/**
 * The Segretario's steps on an open plan's page: present it to the Giunta, then record the Giunta's act that
 * approves it (the page must be the plan's tree, signed in as the Segretario). `act.date` as typed: dd/mm/yyyy.
 */
export async function presentPlanAndRecordAct(page: Page, act: { number: string; date: string }): Promise<void> {
  await page.getByRole('button', { name: 'Presenta il piano alla Giunta' }).click();
  await page.getByRole('status').getByText('Piano presentato alla Giunta.').waitFor();
  await page.getByText('Presentato alla Giunta', { exact: true }).waitFor();
  await page.getByLabel('Numero dell’atto').fill(act.number);
  await page.getByLabel('Data dell’atto (gg/mm/aaaa)').fill(act.date);
  await page.getByRole('button', { name: 'Registra' }).click();
  await page.getByText(`Approvato con atto n. ${act.number} del ${act.date}`).waitFor();
}

/** The Segretario validates the 31/07 monitoring and the year-end report on the objective's page (already open). */
export async function validateMonitoringAndYearEnd(page: Page, asOf = '31/07/2025'): Promise<void> {
  await page.getByRole('button', { name: `Valida il monitoraggio al ${asOf}` }).click();
  await page.getByRole('status').getByText('Monitoraggio validato.').waitFor();
  await page.getByRole('button', { name: 'Valida la relazione finale' }).click();
  await page.getByRole('status').getByText('Relazione finale validata.').waitFor();
  await page.getByText('Rendicontato', { exact: true }).waitFor();
}

/** The NdV records the evaluation on the objective's page (already open) and communicates it to the dirigente. */
export async function evaluateAndShare(page: Page, achievementPercent: string, reason: string): Promise<void> {
  await page.getByLabel('Grado di raggiungimento (%)').fill(achievementPercent);
  await page.getByLabel('Motivazione').fill(reason);
  await page.getByRole('button', { name: 'Registra la valutazione' }).click();
  await page.getByRole('status').getByText('Valutazione registrata.').waitFor();
  await page.getByText(`Valutazione: ${achievementPercent} % (registrata, non ancora comunicata)`).waitFor();
  await page.getByRole('button', { name: 'Comunica la valutazione al dirigente' }).click();
  await page.getByRole('status').getByText('Valutazione comunicata.').waitFor();
}

/**
 * From the objective's page (already open): asks for its dossier, waits for it to be built, and downloads its PDF
 * as the browser does (the session cookie, no token in the page). The PDF's bytes.
 */
export async function requestObjectiveDossierPdf(page: Page, base: string, objectiveId: string): Promise<{ status: number; type: string; body: Buffer }> {
  await page.getByRole('link', { name: 'Richiedi il fascicolo di questo obiettivo' }).click();
  await page.getByRole('button', { name: 'Richiedi il fascicolo (Obiettivo)' }).click();
  await page.getByRole('status').getByText('Fascicolo richiesto: la costruzione è in corso.').waitFor();
  const row = page.getByRole('row', { name: new RegExp(objectiveId) });
  await row.getByText('Pronto').waitFor({ timeout: 60_000 });
  const pdf = await row.getByRole('link', { name: 'PDF' }).getAttribute('href');
  const download = await page.context().request.get(`${base}${pdf}`);
  return { status: download.status(), type: download.headers()['content-type'] ?? '', body: await download.body() };
}
