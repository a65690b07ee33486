/**
 * The entry for runtimes that run a script (Node, Bun, Deno): the config comes as the first
 * argument (JSON), the summary goes to stdout as one line after the marker. Exits 0 whatever the
 * cases did: the test in Node reads the summary, and a non-zero exit means the runtime broke.
 */
import { SUMMARY_MARKER } from './runner.ts';
import { type SmokeConfig, runSmoke, runtimeName } from './smoke.ts';

interface Runtime {
  Deno?: { args: string[] };
  process?: { argv: string[] };
}

const g = globalThis as Runtime;
const args = g.Deno ? g.Deno.args : (g.process?.argv.slice(2) ?? []);
const config = JSON.parse(args[0] ?? '{"driver":"memory","runId":"manual"}') as SmokeConfig;
const summary = await runSmoke(runtimeName(), config);
console.log(`${SUMMARY_MARKER}${JSON.stringify(summary)}`);
