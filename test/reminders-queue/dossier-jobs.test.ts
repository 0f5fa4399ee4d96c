import { Queue } from 'bullmq';
import { ProcessorsHost } from '@piao/application';
import { DOSSIER_BUILDS_QUEUE } from '@piao/audit';
import { seedEnte, type Ente } from '../support/scenario';
import { openBed, sleep, spawnWorker, until, type Bed } from './queue-harness';

/**
 * Dossiers with Redis: the API's process queues requests and builds none; apps/worker offers each claimable dossier to
 * the BullMQ queue `dossier-builds` and builds it from the job, once, with the job's progress; with Redis flushed
 * while a dossier waits, the next look offers it again and it is still built once.
 */
describe('dossiers built by apps/worker through BullMQ', () => {
  let bed: Bed;
  let a: Ente;
  let builds: Queue;

  const statusOf = async (dossierId: string) =>
    (await bed.sql.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM audit_dossiers WHERE dossier_id = $1::uuid`, [dossierId]))[0];
  const request = async () => {
    const response = await a.as.rpct.post('/audit/dossiers', { scope: { kind: 'plan', id: a.planId } });
    expect(response.status).toBe(202);
    const { dossierId } = response.body as { dossierId: string };
    await until(async () => {
      bed.api.app.get(ProcessorsHost).poke();
      return (await statusOf(dossierId)) !== undefined;
    }, 20_000);
    return dossierId;
  };

  beforeAll(async () => {
    bed = await openBed({ db: 15, apiEnv: { AUDIT_CHECKPOINT_SECONDS: '1' } });
    a = await seedEnte(bed.api, 'comune-fascicoli');
    builds = new Queue(DOSSIER_BUILDS_QUEUE, { connection: bed.redis, prefix: bed.prefix });
  }, 60_000);
  afterAll(async () => {
    await builds?.close();
    await bed?.close();
  });

  it('queued by the API, built by the worker from its job, once', async () => {
    const dossierId = await request();
    // The API's process builds nothing when Redis is configured.
    await sleep(1_500);
    expect((await statusOf(dossierId)).status).toBe('queued');

    const worker = spawnWorker(bed.workerEnv(0));
    await worker.ready();
    await until(
      async () => (await statusOf(dossierId)).status === 'ready',
      60_000,
      async () => JSON.stringify(await statusOf(dossierId)),
    );
    expect(await statusOf(dossierId)).toEqual({ status: 'ready', attempts: 1 });
    const jobs = await builds.getJobs(['completed']);
    const mine = jobs.filter((job) => (job.data as { dossierId: string }).dossierId === dossierId);
    expect(mine.map((job) => job.returnvalue)).toContain('finished');
    // The job's progress follows the build: 95 once the PDF's last objective is drawn, before the files are stored.
    expect(mine.some((job) => job.progress === 95)).toBe(true);
    const pdf = await a.as.nucleo.get(`/audit/dossiers/${dossierId}/fascicolo.pdf`);
    expect(pdf.status).toBe(200);

    // Redis flushed with the worker stopped and a dossier waiting: the next worker offers it again; built once.
    await worker.kill('SIGTERM');
    const second = await request();
    await bed.redis.flushdb();
    const again = spawnWorker(bed.workerEnv(0));
    await again.ready();
    await until(
      async () => (await statusOf(second)).status === 'ready',
      60_000,
      async () => JSON.stringify(await statusOf(second)),
    );
    expect(await statusOf(second)).toEqual({ status: 'ready', attempts: 1 });
    expect(await statusOf(dossierId)).toEqual({ status: 'ready', attempts: 1 });
    await again.kill('SIGTERM');
  }, 180_000);
});
