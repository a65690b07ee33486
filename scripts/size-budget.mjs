#!/usr/bin/env node
// The size budget of every published package: its tarball as pnpm publishes it (packed and
// unpacked bytes) and what installing it alone pulls from the npm registry (how many packages,
// how many of them the AWS SDK's: @aws-sdk, @aws-crypto and
// @smithy). Each package is installed into a fresh folder by npm, with the
// other workspace packages it needs given as their tarballs (they are not on the registry yet), so
// only registry packages are counted. Needs the build (dist/) and the registry.
//
//   node scripts/size-budget.mjs            # prints the table
//   node scripts/size-budget.mjs --write    # and puts it into README.md between the size-budget markers
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'stowage-size-'));
const START = '<!-- size-budget:start -->';
const END = '<!-- size-budget:end -->';

try {
  const packs = join(work, 'packs');
  mkdirSync(packs);
  /** @type {{ name: string, tarball: string }[]} */
  const packages = [];
  for (const dir of readdirSync(join(repo, 'packages')).sort()) {
    const manifest = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'));
    if (manifest.private === true) continue;
    const before = new Set(readdirSync(packs));
    execFileSync('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', packs], { cwd: join(repo, 'packages', dir), stdio: 'ignore' });
    const tarball = readdirSync(packs).find((f) => !before.has(f));
    if (tarball === undefined) throw new Error(`pnpm pack made no tarball for ${manifest.name}`);
    packages.push({ name: manifest.name, tarball: join(packs, tarball) });
  }
  // Every workspace package resolves to its tarball wherever it is asked for.
  const overrides = Object.fromEntries(packages.map((p) => [p.name, `file:${p.tarball}`]));

  const rows = [];
  for (const { name, tarball } of packages) {
    const unpacked = execFileSync('tar', ['-tzvf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.trim() !== '')
      .reduce((sum, line) => sum + Number(line.trim().split(/\s+/)[2]), 0);
    const app = join(work, name.replace('/', '__'));
    mkdirSync(app);
    const manifest = { name: 'size-budget', private: true, dependencies: { [name]: `file:${tarball}` }, overrides };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest));
    // The lockfile alone: npm resolves the whole tree from the registry without downloading it.
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], { cwd: app });
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8'));
    const installed = Object.entries(lock.packages).filter(
      ([path, entry]) => path !== '' && !entry.link && !String(entry.resolved ?? '').startsWith('file:'),
    );
    const aws = installed.filter(([path]) => /node_modules\/@(aws-sdk|aws-crypto|smithy)\/[^/]+$/.test(path)).length;
    rows.push({ name, packed: statSync(tarball).size, unpacked, registry: installed.length, aws });
  }

  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const table = [
    '| package | packed | unpacked | packages installed from npm | of them the AWS SDK (`@aws-sdk`, `@aws-crypto`, `@smithy`) |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| \`${r.name}\` | ${kib(r.packed)} | ${kib(r.unpacked)} | ${r.registry} | ${r.aws === 0 ? 'none' : r.aws} |`),
  ].join('\n');
  console.log(table);

  if (process.argv.includes('--write')) {
    const readme = join(repo, 'README.md');
    const text = readFileSync(readme, 'utf8');
    const from = text.indexOf(START);
    const to = text.indexOf(END);
    if (from === -1 || to < from) throw new Error(`README.md has no ${START} … ${END} block`);
    writeFileSync(readme, `${text.slice(0, from + START.length)}\n${table}\n${text.slice(to)}`);
    console.log('README.md updated');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
