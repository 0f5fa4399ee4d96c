export { AppConfig, ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig, loadConfigOrExit } from './app-config';
export { ConfigurationModule } from './configuration.module';
