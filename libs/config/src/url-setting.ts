import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * A URL setting that the process will open: it must parse (WHATWG `new URL`, as every client library does), use one of
 * the protocols and name a host. class-validator's `IsUrl` accepts `not-a-url` as a host without a scheme, which then
 * failed later, with a stack trace, where the URL was first used.
 */
export function IsServiceUrl(protocols: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isServiceUrl', constraints: [protocols], validator: { validate: (value: unknown) => isServiceUrl(value, protocols) } }, options);
}

export function isServiceUrl(value: unknown, protocols: readonly string[]): boolean {
  if (typeof value !== 'string' || /\s/.test(value) || !URL.canParse(value)) return false;
  const url = new URL(value);
  return protocols.includes(url.protocol.slice(0, -1)) && url.hostname !== '';
}
