import 'reflect-metadata';
import cluster from 'node:cluster';
import { loadConfigOrExit } from './config/app-config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (cluster.isPrimary && config.API_WORKERS > 1) {
    // Workers share the port. The log-driven processors and projections are idempotent, but one copy of them is enough.
    for (let i = 0; i < config.API_WORKERS; i++) {
      const first = i === 0;
      cluster.fork({ RUN_PROCESSORS: first ? config.RUN_PROCESSORS : 'false', RUN_PROJECTIONS: first ? config.RUN_PROJECTIONS : 'false' });
    }
    cluster.on('exit', (worker, code, signal) => {
      console.error(`API worker ${worker.process.pid} exited (${signal ?? code}); stopping`);
      process.exit(1);
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        cluster.removeAllListeners('exit');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
        process.exit(0);
      });
    }
    return;
  }
  const app = await createApp(config);
  await app.listen(config.PORT);
}

void main();
