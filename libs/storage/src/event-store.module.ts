import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@piao/event-store';
import { COMMAND_RECORDS, PROCESSOR_STORE } from '@piao/event-store';
import { openStorage, type Storage, type StorageConfig } from './storage';

/** The opened storage as a whole, for modules that keep their own tables beside the events. */
export const STORAGE = Symbol('Storage');

/** Provides EVENT_STORE, COMMAND_RECORDS and STORAGE, opened (and migrated) from the configuration at start. */
@Global()
@Module({})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly events: EventStore) {}

  static forRootAsync(options: {
    useFactory: (...deps: never[]) => StorageConfig | Promise<StorageConfig>;
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  }): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        { provide: STORAGE, useFactory: async (...deps: never[]) => openStorage(await options.useFactory(...deps)), inject: options.inject ?? [] },
        { provide: EVENT_STORE, useFactory: (storage: Storage) => storage.events, inject: [STORAGE] },
        { provide: COMMAND_RECORDS, useFactory: (storage: Storage) => storage.commands, inject: [STORAGE] },
        { provide: PROCESSOR_STORE, useFactory: (storage: Storage) => storage.processors, inject: [STORAGE] },
      ],
      exports: [EVENT_STORE, COMMAND_RECORDS, PROCESSOR_STORE, STORAGE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.events.close();
  }
}
