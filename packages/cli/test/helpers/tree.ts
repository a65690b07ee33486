import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

// Names from several scripts and with spaces, so keys and paths round-trip as UTF-8, not bytes of one locale.
const FOLDERS = ['photos', 'café', '日本語', 'émoji 🐱', 'a b', 'Ωmega', 'straße'];
const NAMES = ['naïve', 'файл', '文件', 'niño', 'space here', 'z🐶', 'plain'];

/** The bytes of file number `i`: small, different per file, a few empty. */
export function fileBytes(i: number, version = 0): Buffer {
  const size = i % 50 === 0 ? 0 : ((i * 397) % 4000) + version * 13;
  const out = Buffer.alloc(size);
  for (let j = 0; j < size; j++) out[j] = (i * 31 + j * 7 + version) & 0xff;
  return out;
}

/** The relative path (with `/`) of file number `i`: up to three folders deep. */
export function filePath(i: number): string {
  const depth = i % 4;
  const folders = Array.from({ length: depth }, (_, d) => FOLDERS[(i + d * 3) % FOLDERS.length] as string);
  return [...folders, `${String(i).padStart(3, '0')}-${NAMES[i % NAMES.length]}.bin`].join('/');
}

/** Writes `count` files under `root`; returns their relative paths. */
export async function makeTree(root: string, count: number): Promise<string[]> {
  const paths = Array.from({ length: count }, (_, i) => filePath(i));
  await Promise.all(
    paths.map(async (rel, i) => {
      const path = join(root, ...rel.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, fileBytes(i));
    }),
  );
  return paths;
}

/** Every file under `root`, by relative path with `/`, with its bytes. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(root, path).split(sep).join('/'), await readFile(path));
  }
  return out;
}

/** Byte order of UTF-8, as listings sort keys. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
