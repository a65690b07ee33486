#!/usr/bin/env bash
# Installs the packed packages (as pnpm publishes them) into a fresh folder with npm, the way a user
# would, and uses them from an ESM script, a CommonJS script and a TypeScript file type-checked
# with moduleResolution node16 and bundler. Needs the build (dist/) and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/packs" "$work/app"
for dir in packages/*/; do
  [ "$(node -p "require('./${dir}package.json').private === true")" = true ] && continue
  (cd "$dir" && npx -y pnpm@12.4.2 pack --pack-destination "$work/packs" >/dev/null)
done
cd "$work/app"
echo '{ "name": "smoke", "private": true }' > package.json
npm install --no-audit --no-fund --silent "$work"/packs/*.tgz \
  "typescript@$(node -p "require('$repo/node_modules/typescript/package.json').version")" \
  "@types/node@$(node -p "require('$repo/node_modules/@types/node/package.json').version")"

cat > esm.mjs <<'JS'
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MemoryStorage, openStorage } from 'stowage';
const memory = await MemoryStorage.from({ photos: { 'a/b': 'one' } });
await memory.putObject('photos', 'a', 'two');
if ((await (await memory.getObject('photos', 'a/b')).text()) !== 'one') throw new Error('memory read');
const local = await openStorage(pathToFileURL(mkdtempSync(join(tmpdir(), 'smoke-'))).href);
await local.createBucket('photos');
await local.putObject('photos', 'cat.txt', 'meow');
if ((await (await local.getObject('photos', 'cat.txt')).text()) !== 'meow') throw new Error('local read');
const { S3Storage } = await import('stowage/s3');
if (typeof S3Storage !== 'function') throw new Error('no S3Storage in stowage/s3');
console.log('esm: ok');
JS
cat > cjs.cjs <<'JS'
const { MemoryStorage } = require('@stowage/memory');
const { isStorageError } = require('@stowage/core');
const { S3Storage } = require('@stowage/s3');
const { openStorage } = require('stowage');
(async () => {
  if ((await openStorage('memory://')).name !== 'memory') throw new Error('openStorage from CommonJS');
  if (require('stowage/s3').S3Storage !== S3Storage) throw new Error('stowage/s3 from CommonJS');
  // memfs is required on first use, from the CommonJS build too.
  if (typeof require('@stowage/local').memoryVolume().volume.readFileSync !== 'function') throw new Error('memoryVolume from CommonJS');
  const storage = new MemoryStorage();
  await storage.createBucket('photos');
  await storage.getObject('photos', 'missing').catch((e) => { if (!isStorageError(e, 'NoSuchKey')) throw e; });
  if (typeof S3Storage !== 'function') throw new Error('no S3Storage');
  console.log('cjs: ok');
})().catch((e) => { console.error(e); process.exit(1); });
JS
cat > app.ts <<'TS'
import { type Storage, MemoryStorage, StorageError, openStorage } from 'stowage';
import { S3Storage } from 'stowage/s3';
import { LocalStorage, memoryVolume } from '@stowage/local';
const storages: Storage[] = [new MemoryStorage(), new LocalStorage({ root: '/store', fs: memoryVolume() })];
const opened: Promise<Storage> = openStorage('memory://');
const s3: Storage = new S3Storage({ region: 'us-east-1' });
const code: string = new StorageError('NoSuchKey', 'missing').code;
export { code, opened, s3, storages };
TS
for resolution in node16 bundler; do
  module=$([ "$resolution" = node16 ] && echo node16 || echo esnext)
  npx tsc --noEmit --strict --skipLibCheck false --types node --module "$module" --moduleResolution "$resolution" --target es2022 app.ts
  echo "typescript ($resolution): ok"
done
node esm.mjs
node cjs.cjs
