import { fileURLToPath } from 'node:url';
import { readdirSync, existsSync } from 'node:fs';

// Tests import packages by name; point each name at its src/ so no build is needed first.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
const packageNames: Record<string, string> = {
  core: '@stowage/core',
  local: '@stowage/local',
  memory: '@stowage/memory',
  contract: '@stowage/contract',
  testing: '@stowage/testing',
  s3: '@stowage/s3',
  progress: '@stowage/progress',
  layers: '@stowage/layers',
  stowage: 'stowage',
  cli: '@stowage/cli',
};

/** Entry points below a package's main one, by import name: listed first, so `stowage` does not swallow them. */
const subpaths: Record<string, string> = {
  'stowage/s3': 'stowage/src/s3.ts',
  '@stowage/core/md5': 'core/src/md5.ts',
};

// Exact matches (`^name$`): an import of `stowage/s3` must not resolve through `stowage`'s entry.
export const alias = [
  ...Object.entries(subpaths).map(([name, file]) => ({ find: new RegExp(`^${name}$`), replacement: `${packagesDir}${file}` })),
  ...Object.entries(packageNames)
    .filter(([dir]) => existsSync(`${packagesDir}${dir}/src/index.ts`))
    .map(([dir, name]) => ({ find: new RegExp(`^${name}$`), replacement: `${packagesDir}${dir}/src/index.ts` })),
];

const hasTests = (dir: string): boolean =>
  existsSync(`${packagesDir}${dir}/test`) &&
  readdirSync(`${packagesDir}${dir}/test`, { recursive: true }).some((f) => String(f).endsWith('.test.ts'));

/** One vitest project per package that has tests. */
export const projects = readdirSync(packagesDir)
  .filter(hasTests)
  .map((dir) => ({
    extends: true as const,
    test: {
      name: dir,
      root: `${packagesDir}${dir}`,
      include: ['test/**/*.test.ts'],
    },
  }));
