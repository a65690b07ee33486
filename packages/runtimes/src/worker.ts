/**
 * The entry for workerd (bundled by esbuild, served by miniflare): POST the config as JSON, get
 * the summary back as JSON.
 */
import { type SmokeConfig, runSmoke, runtimeName } from './smoke.ts';

export default {
  async fetch(request: Request): Promise<Response> {
    if (request.method !== 'POST') return new Response('POST a SmokeConfig as JSON', { status: 405 });
    const config = (await request.json()) as SmokeConfig;
    return Response.json(await runSmoke(runtimeName(), config));
  },
};
