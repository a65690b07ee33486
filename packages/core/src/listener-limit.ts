import { setMaxListeners } from 'node:events';

/**
 * Lets `count` abort listeners wait on `signal` (0: any number) without Node's possible-leak
 * warning, for a signal shared by many parts or calls. Its web variant (`listener-limit.web.ts`)
 * does nothing: browsers and workers have no such limit.
 */
export function allowAbortListeners(signal: AbortSignal, count: number): void {
  setMaxListeners(count, signal);
}
