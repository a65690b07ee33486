// A short tour of the main job on the local disk: a bucket under a folder, an object stored and
// read back, a listing, and the object's attributes. Run with `pnpm demo [folder]`.
import path from 'node:path';
import { isStorageError } from '@stowage/core';
import { LocalStorage } from '@stowage/local';

const root = path.resolve(process.argv[2] ?? '.stowage-demo');
const storage = new LocalStorage({ root });

if (!(await storage.bucketExists('photos'))) await storage.createBucket('photos');
console.log(`store:  ${root} (bucket "photos" is the folder ${path.join(root, 'photos')})`);

const put = await storage.putObject('photos', 'cats/cat.txt', 'A cat, in plain text.\n', {
  contentType: 'text/plain; charset=utf-8',
  metadata: { photographer: 'Ana' },
});
await storage.putObject('photos', 'cats/kitten.txt', 'A smaller cat.\n', { contentType: 'text/plain' });
await storage.putObject('photos', 'dogs/dog.txt', 'A dog.\n');
console.log(`put:    photos/cats/cat.txt  etag ${put.etag}`);

const got = await storage.getObject('photos', 'cats/cat.txt');
console.log(`get:    ${JSON.stringify(await got.text())}`);

console.log('list:   photos/ with delimiter "/"');
for await (const entry of storage.listObjects('photos', { delimiter: '/' })) {
  console.log(entry.type === 'prefix' ? `          ${entry.prefix}` : `          ${entry.key} (${entry.size} B)`);
}
console.log('list:   photos/cats/');
for await (const entry of storage.listObjects('photos', { prefix: 'cats/' })) {
  if (entry.type === 'object') console.log(`          ${entry.key}  ${entry.size} B  ${entry.lastModified.toISOString()}`);
}

const info = await storage.headObject('photos', 'cats/cat.txt');
console.log('head:  ', {
  size: info.size,
  etag: info.etag,
  lastModified: info.lastModified.toISOString(),
  contentType: info.contentType,
  metadata: info.metadata,
});

try {
  await storage.getObject('photos', 'cats/missing.txt');
} catch (error) {
  if (isStorageError(error, 'NoSuchKey')) console.log(`error:  ${error.code}: ${error.message}`);
  else throw error;
}
console.log(`done:   look at the files with \`find ${path.relative(process.cwd(), root) || '.'}/photos\``);
