// Runs the layers over memory from a browser bundle of them (its path is the first argument), in a
// Node process with no Buffer, as a browser has none, and prints what it saw as one JSON line.
// web-build.test.ts bundles, runs and checks it.
delete globalThis.Buffer;
const { MemoryStorage, concurrencyLimit, faults, layered, logging, mounted, prefixed, readOnly, retry, timeout, tracing } = await import(
  process.argv[2]
);

async function codeOf(promise) {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error?.code ?? String(error);
  }
}

async function streamBytes(stream) {
  const parts = [];
  for (const reader = stream.getReader(); ; ) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

const big = new Uint8Array(200_000).map((_, i) => (i * 31 + 7) & 0xff);
const memory = new MemoryStorage();
await memory.createBucket('bkt');
await memory.putObject('bkt', 'tenant/big', big);

const events = [];
const storage = layered(
  memory,
  faults({ seed: 1, rate: 0 }),
  timeout(5_000),
  retry({ baseDelayMs: 1 }),
  concurrencyLimit(4),
  logging((event) => events.push(event.operation)),
  tracing(),
  prefixed('tenant/'),
);
const out = {};
out.put = (await storage.putObject('bkt', 'k', 'hello web')).size;
out.text = await (await storage.getObject('bkt', 'k')).text();
out.bytes = (await (await storage.getObject('bkt', 'big')).bytes()).byteLength;
out.webStream = (await streamBytes((await storage.getObject('bkt', 'big')).webStream())).byteLength;
out.body = await codeOf((async () => (await storage.getObject('bkt', 'k')).body)());
await Promise.all(Array.from({ length: 40 }, (_, i) => storage.putObject('bkt', `many/${i}`, new Uint8Array(i))));
const keys = [];
for await (const entry of storage.listObjects('bkt', { prefix: 'many/' })) keys.push(entry.key);
out.listed = keys.length;
const stored = [];
for await (const entry of memory.listObjects('bkt', { prefix: 'tenant/k' })) stored.push(entry.key);
out.stored = stored;
await storage.deleteObject('bkt', 'k');
out.afterDelete = await codeOf(storage.headObject('bkt', 'k'));
out.logged = events.length;

// A body a layer changes: the web build's results over chunks, with prefixed's error mapping.
const corrupt = layered(memory, faults({ seed: 2, rate: 1, kinds: ['corruptBody'] }), prefixed('tenant/'));
const flipped = await streamBytes((await corrupt.getObject('bkt', 'big')).webStream());
out.corruptDiffers = flipped.filter((byte, i) => byte !== big[i]).length;
const cut = layered(memory, faults({ seed: 3, rate: 1, kinds: ['cutBody'] }), prefixed('tenant/'));
try {
  await streamBytes((await cut.getObject('bkt', 'big')).webStream());
  out.cut = 'ok';
} catch (error) {
  out.cut = `${error.code} ${error.key}`;
}
out.cutBytes = await codeOf((await cut.getObject('bkt', 'big')).bytes());

// A lost answer to a conditional put: retry recovers it by the stored MD5 (core's web MD5) or bytes.
const lost = layered(memory, faults({ seed: 4, rate: 1, kinds: ['afterEffect'], operations: ['putObject'] }), retry({ baseDelayMs: 0 }));
out.recovered = await codeOf(lost.putObject('bkt', 'once', 'only this', { ifNoneMatch: '*' }));

const routes = mounted({ rox: layered(new MemoryStorage(), readOnly()) }, { fallback: memory });
out.readOnly = await codeOf(routes.createBucket('rox'));
out.mountedText = await (await routes.getObject('bkt', 'once')).text();
console.log(JSON.stringify(out));
