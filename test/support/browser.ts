import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it), or the one CHROMIUM_PATH names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

/** The web interface built from the sources as they are now (as `npm run build` does), into a folder of the test's own. */
export function buildWebInterface(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'piao-web-'));
  execFileSync('npx', ['vite', 'build', '--config', 'apps/web/vite.config.mts'], {
    env: { ...process.env, NODE_ENV: 'production', WEB_OUT_DIR: outDir },
    stdio: 'pipe',
  });
  return outDir;
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
}

export function focused(page: Page): Promise<Focused> {
  return page.evaluate(`(() => {
    const e = document.activeElement;
    return e ? { tag: e.tagName, id: e.id, text: e.textContent, label: e.labels?.[0]?.textContent, ariaLabel: e.getAttribute('aria-label') ?? undefined } : {};
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
