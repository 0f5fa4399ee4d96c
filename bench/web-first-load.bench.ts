/**
 * The web interface's first load of a plan's page, for a plan of 300 objectives, in headless Chromium: what crosses
 * the network (the page's files, gzipped by the API, and the API's answers) and how long until the whole tree is on
 * screen and the main thread is free. The API runs on the embedded default (PGlite in memory) in this process.
 *
 * "Interactive" here: the later of the tree's last row in the page and the end of the last long task (a task of the
 * main thread over 50 ms, PerformanceObserver 'longtask'): from then on a click is answered at once. Cold: a new
 * browser context (empty cache); warm: the same context loading the page again.
 * Usage: npm run bench:web   (BENCH_ROUNDS=5 by default)
 */

import { type AddressInfo } from 'node:net';
import request from 'supertest';
import { startApi } from '../test/support/api-harness';
import { buildWebInterface, launchChromium } from '../test/support/browser';
import { definition, seedEnte } from '../test/support/scenario';
import { fmt, machine, median } from './measure';

const OBJECTIVES = 300;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Load {
  transferKiB: number;
  assetsKiB: number;
  apiKiB: number;
  requests: number;
  firstContentfulPaintMs: number;
  treeMs: number;
  interactiveMs: number;
  longTasksMs: number;
}

async function main(): Promise<void> {
  const webDir = buildWebInterface();
  const api = await startApi('pglite', { WEB_DIST_DIR: webDir });
  const browser = await launchChromium();
  try {
    await api.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    const demo = await seedEnte(api, 'comune-demo');
    console.error(`drafting ${OBJECTIVES} objectives…`);
    const areas = ['Inclusione sociale', 'Semplificazione', 'Ambiente', 'Sviluppo economico', 'Cultura', 'Sicurezza'];
    let position = '';
    for (let i = 2; i < OBJECTIVES; i++) {
      const drafted = await demo.as.dirigente.post(`/plans/${demo.planId}/objectives`, {
        code: `B${String(i).padStart(3, '0')}`,
        definition: {
          ...definition(),
          title: `Obiettivo di prova ${i}`,
          place: { publicValueArea: areas[i % areas.length], strategicLine: `Linea ${i % 17}` },
        },
      });
      if (drafted.status !== 201) throw new Error(`drafting ${i}: ${JSON.stringify(drafted.body)}`);
      position = drafted.body.position;
    }
    const listed = await demo.as.segretario.get(`/plans/${demo.planId}/objectives?limit=1&after=${position}`);
    if (listed.status !== 200) throw new Error(`read models: ${listed.status}`);
    const signIn = await request(base)
      .post('/session/development')
      .set('X-Piao-Client', 'web')
      .send({ personId: 'seg', name: 'Maria Bianchi', role: 'segretario' });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0].split('=');

    const loadOnce = async (context: Awaited<ReturnType<typeof browser.newContext>>): Promise<Load> => {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      const urls = new Map<string, string>();
      let assets = 0;
      let answers = 0;
      let requests = 0;
      cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
      cdp.on('Network.loadingFinished', (e) => {
        requests += 1;
        const url = new URL(urls.get(e.requestId) ?? base);
        if (url.pathname.startsWith('/app')) assets += e.encodedDataLength;
        else answers += e.encodedDataLength;
      });
      await page.addInitScript(`
        window.__longTasks = [];
        new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); }).observe({ type: 'longtask', buffered: true });
      `);
      await page.goto(`${base}/app/plans/${demo.planId}`);
      // A locator, not waitForFunction: the page's CSP forbids the eval the latter polls with.
      await page
        .locator('tbody tr')
        .nth(OBJECTIVES - 1)
        .waitFor({ state: 'attached', timeout: 60_000 });
      const treeMs = (await page.evaluate('performance.now()')) as number;
      await page.waitForTimeout(300); // a long task still running when the tree appeared ends within this
      const figures = (await page.evaluate(`(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0,
        tasks: window.__longTasks,
      }))()`)) as { fcp: number; tasks: [number, number][] };
      await page.close();
      const lastTaskEnd = Math.max(0, ...figures.tasks.map(([start, duration]) => start + duration));
      return {
        transferKiB: (assets + answers) / 1024,
        assetsKiB: assets / 1024,
        apiKiB: answers / 1024,
        requests,
        firstContentfulPaintMs: figures.fcp,
        treeMs,
        interactiveMs: Math.max(treeMs, lastTaskEnd),
        longTasksMs: figures.tasks.reduce((sum, [, duration]) => sum + duration, 0),
      };
    };

    const cold: Load[] = [];
    const warm: Load[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: cookie[0], value: cookie.slice(1).join('='), url: base }]);
      cold.push(await loadOnce(context));
      warm.push(await loadOnce(context));
      await context.close();
      console.error(`  round ${round + 1}: cold ${fmt(cold.at(-1)!.interactiveMs, 0)} ms, warm ${fmt(warm.at(-1)!.interactiveMs, 0)} ms`);
    }
    const row = (name: string, loads: Load[]) => {
      const m = (f: (l: Load) => number) => median(loads.map(f));
      return `| ${name} | ${fmt(
        m((l) => l.transferKiB),
        0,
      )} | ${fmt(
        m((l) => l.assetsKiB),
        0,
      )} | ${fmt(
        m((l) => l.apiKiB),
        0,
      )} | ${fmt(
        m((l) => l.requests),
        0,
      )} | ${fmt(
        m((l) => l.firstContentfulPaintMs),
        0,
      )} | ${fmt(
        m((l) => l.treeMs),
        0,
      )} | ${fmt(
        m((l) => l.interactiveMs),
        0,
      )} | ${fmt(
        m((l) => l.longTasksMs),
        0,
      )} |`;
    };
    console.log(
      `\nFirst load of a plan's page, ${OBJECTIVES} objectives, headless Chromium (${browser.version()}), API on PGlite in the same process, median of ${ROUNDS} rounds; ${machine()}\n`,
    );
    console.log(
      '| load | transferred KiB | of which the page’s files | of which API answers | requests | first contentful paint ms | whole tree on screen ms | interactive ms | long tasks ms |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    console.log(row('cold (empty cache)', cold));
    console.log(row('warm (cached files)', warm));
  } finally {
    await browser.close();
    await api.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
