/**
 * Refreshes the screenshots of the web interface in docs/screenshots: builds the interface, starts the API on PGlite
 * in memory with a demo ente (the test suite's scenario, plus objectives placed in the plan's tree), and photographs
 * the main pages in Debian's Chromium as the Segretario, a dirigente and the NdV would see them.
 * Usage: npm run docs:screenshots
 */

import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startApi } from '../test/support/api-harness';
import { buildWebInterface, launchChromium, signInThroughPage } from '../test/support/browser';
import { definition, seedEnte } from '../test/support/scenario';
import { asTable, fixtureObjectives, unitsNamed } from '../test/support/fixture-import-rows';
import { xlsxOf } from '../test/support/xlsx-files';

const OUT = join(__dirname, '..', 'docs', 'screenshots');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const PLACES = [
  { code: 'S01_01', title: 'Sportello unico per le famiglie', area: 'Inclusione sociale', line: 'Una città che cura' },
  { code: 'S01_02', title: 'Centri estivi accessibili', area: 'Inclusione sociale', line: 'Una città che cura' },
  { code: 'S02_01', title: 'Digitalizzazione delle pratiche edilizie', area: 'Semplificazione', line: 'Un comune digitale' },
  { code: 'S02_02', title: 'Pagamenti elettronici per tutti i servizi', area: 'Semplificazione', line: 'Un comune digitale' },
];

async function main(): Promise<void> {
  const webDir = buildWebInterface();
  const api = await startApi('pglite', { WEB_DIST_DIR: webDir });
  const browser = await launchChromium();
  try {
    await api.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
    const demo = await seedEnte(api, 'comune-demo');
    for (const p of PLACES) {
      const drafted = await demo.as.dirigente.post(`/plans/${demo.planId}/objectives`, {
        code: p.code,
        definition: { ...definition(), title: p.title, place: { publicValueArea: p.area, strategicLine: p.line } },
      });
      if (drafted.status !== 201) throw new Error(`drafting ${p.code}: ${JSON.stringify(drafted.body)}`);
    }
    await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/phase-progress`, { phaseId: 'f1', progressPercent: 80 });
    await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/phase-progress`, { phaseId: 'f2', progressPercent: 35 });
    // Something for the Segretario's queue: a proposal, the 31/07 monitoring, a reprogramming.
    await demo.as.dirigente.post(`/objectives/${demo.draftId}/propose`);
    await demo.as.dirigente.post(`/objectives/${demo.objectiveId}/monitoring-reports`, {
      asOf: '2025-07-31',
      phases: [
        { phaseId: 'f1', progressPercent: 80 },
        { phaseId: 'f2', progressPercent: 35 },
      ],
      indicators: [],
    });
    // The units a real plan extract names, for the import's report (a file names units, never creates them).
    const extract = fixtureObjectives().slice(0, 8);
    for (const [i, name] of unitsNamed(extract).entries()) {
      await demo.as.admin.post('/organisation/units', { unitId: `estratto-${i}`, name, kind: 'settore' });
    }
    const importPlan = await demo.as.segretario.post('/plans', { kind: 'PEG', title: 'PEG 2026', fromYear: 2026, toYear: 2026 });
    const workbook = { name: 'piano-2026.xlsx', mimeType: XLSX, buffer: await xlsxOf(asTable(extract.flatMap((o) => o.rows))) };

    const context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const shoot = async (name: string) => {
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      console.error(`docs/screenshots/${name}.png`);
    };
    const signInAs = (personId: string, name: string, role: string) => signInThroughPage(page, base, { personId, name, role });

    await page.goto(`${base}/app/sign-in`);
    await page.getByRole('heading', { name: 'Accesso di sviluppo' }).waitFor();
    await shoot('sign-in');
    await signInAs('seg', 'Maria Bianchi', 'segretario');
    await page.getByRole('link', { name: 'Apri il piano PEG 2025' }).waitFor();
    await shoot('plans');
    await page.goto(`${base}/app/queue`);
    await page.getByText('Monitoraggio al 31/07/2025 da validare').waitFor();
    await shoot('queue');
    await page.goto(`${base}/app/plans/${importPlan.body.planId}/import`);
    await page.getByLabel(/File da importare/).setInputFiles(workbook);
    await page.getByRole('button', { name: 'Verifica il file' }).click();
    await page.getByRole('heading', { name: 'Esito della verifica (nulla è stato scritto)' }).waitFor();
    await shoot('import-report');
    await page.goto(`${base}/app/plans/${demo.planId}/scores`);
    await page.getByTestId('objective-scores').waitFor();
    await shoot('scores');
    await page.goto(`${base}/app/plans/${demo.planId}`);
    await page.getByRole('heading', { level: 2, name: 'Inclusione sociale' }).waitFor();
    await shoot('plan-tree');
    await signInAs(demo.people.dirigente.sub, demo.people.dirigente.name, 'dirigente');
    await page.goto(`${base}/app/mine`);
    await page.getByText('Fine fase: Analisi dei bisogni').first().waitFor();
    await shoot('my-objectives');
    await page.goto(`${base}/app/objectives/${demo.objectiveId}`);
    await page.getByRole('heading', { name: 'Cronologia' }).waitFor();
    await shoot('objective');
    await signInAs('ndv', 'Nucleo di Valutazione', 'nucleo');
    await page.goto(`${base}/app/red-flags?planId=${demo.planId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await shoot('red-flags');
    await page.goto(`${base}/app/dossiers?kind=objective&id=${demo.objectiveId}`);
    await page.getByRole('button', { name: 'Richiedi il fascicolo (Obiettivo)' }).click();
    await page.getByText('Pronto').first().waitFor({ timeout: 60_000 });
    await shoot('dossiers');
  } finally {
    await browser.close();
    await api.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
