import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';

/**
 * The validated configuration, for every process of the installation (API, projector, worker): registered with
 * @nestjs/config, so that any module reads a setting through `ConfigService` (`get('PORT')`), and as the typed
 * `AppConfig`. The environment is read and validated once, before the modules are built (`loadConfigOrExit`),
 * because the modules' shape depends on it (which storage to open, whether to run processors).
 */
@Module({})
export class ConfigurationModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigurationModule,
      global: true,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => ({ ...config })] })],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
