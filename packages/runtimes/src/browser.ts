/**
 * The entry for a browser page (bundled by esbuild for the browser): the test calls
 * `globalThis.runSmoke(config)` in the page and gets the summary back.
 */
import { type SmokeConfig, runSmoke, runtimeName } from './smoke.ts';

(globalThis as { runSmoke?: (config: SmokeConfig) => Promise<unknown> }).runSmoke = (config) => runSmoke(runtimeName(), config);
