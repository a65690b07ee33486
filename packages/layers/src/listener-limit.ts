import { setMaxListeners } from 'node:events';

/**
 * Lets `signal` take any number of abort listeners without Node's possible-leak warning (a shared
 * deadline's signal has one listener per call it covers). Its web variant
 * (`listener-limit.web.ts`) does nothing: browsers and workers have no such warning.
 */
export function allowManyListeners(signal: AbortSignal): void {
  setMaxListeners(0, signal);
}
