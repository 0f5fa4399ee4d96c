import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { DataFolderLocked } from '@piao/storage';
import { loadConfigOrExit } from '@piao/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (cluster.isPrimary && config.API_WORKERS > 1) {
    // Workers share the port. Each runs the processors too (unless RUN_PROCESSORS=false): their leases let one
    // worker be active and keep the others as standbys that take over if it dies.
    for (let i = 0; i < config.API_WORKERS; i++) cluster.fork();
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
  Logger.overrideLogger(new StartupLogger());
  const app = await createApp(config);
  await app.listen(config.PORT);
}

/** Nest's logger until the application's own takes over: a data folder held by another process is told by its message alone. */
class StartupLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (message instanceof DataFolderLocked) {
      process.stderr.write(`${message.message}\n`);
      process.exit(1);
    }
    super.error(message, ...rest);
  }
}

void main();
