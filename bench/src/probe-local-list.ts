// Listings of the local driver in one process: the first reads every folder's journal, the next
// ones find the records in memory. The store (N keys written by the driver, 1,000 to a folder) is
// kept in the folder given, so a second run lists it from a fresh process.
//   tsx src/probe-local-list.ts <dir> [count] [listings]
import { LocalStorage } from '@stowage/local';

const [dir, countArg, listingsArg] = process.argv.slice(2);
if (!dir) throw new Error('usage: probe-local-list.ts <dir> [count] [listings]');
const count = Number(countArg ?? 100_000);
const listings = Number(listingsArg ?? 5);
const storage = new LocalStorage({ root: dir });
if (!(await storage.bucketExists('bench'))) {
  await storage.createBucket('bench');
  const body = Buffer.from('listing benchmark');
  const key = (i: number) => `d${String(Math.floor(i / 1000)).padStart(3, '0')}/k${String(i).padStart(6, '0')}.txt`;
  for (let i = 0; i < count; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, count - i) }, (_, j) => storage.putObject('bench', key(i + j), body)));
  }
  console.log(`wrote ${count} keys; run again to list them from a fresh process`);
}
for (let listing = 1; listing <= listings; listing++) {
  const started = performance.now();
  let keys = 0;
  for await (const entry of storage.listObjects('bench')) if (entry.type === 'object') keys++;
  console.log(`listing ${listing}: ${keys} keys in ${(performance.now() - started).toFixed(0)} ms`);
}
