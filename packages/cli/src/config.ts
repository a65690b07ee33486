import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** The environment variable that names the config file (else `$XDG_CONFIG_HOME/stowage/config.toml`). */
export const CONFIG_ENV = 'STOWAGE_CONFIG';

/** One store of the config file: `[stores.backup]` with its URL (and, for S3, an AWS profile). */
export interface NamedStore {
  /** A store URL, as `--store` takes it: `file:///srv/backup`, `s3://?endpoint=…`, `memory://`. */
  url: string;
  /** For an S3 store: the AWS profile its credentials and region come from. */
  profile?: string;
}

/** The named stores of a config file, by name. */
export type StoresConfig = Map<string, NamedStore>;

const STORE_FIELDS = new Set(['url', 'profile']);

/** Where the config file is: `$STOWAGE_CONFIG`, else `$XDG_CONFIG_HOME/stowage/config.toml`, else `~/.config/stowage/config.toml`. */
export function configPath(env: NodeJS.ProcessEnv, cwd: string): string {
  const given = env[CONFIG_ENV];
  if (given) return resolve(cwd, given);
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'stowage', 'config.toml');
}

/**
 * Reads the named stores from the config file. No file is no named stores. Anything wrong in it
 * is an `InvalidArgument` usage error naming the file and the place (never a value: a value may be
 * a secret someone put there by mistake).
 */
export async function loadStores(path: string): Promise<StoresConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new UsageError(`${path}: cannot read the config file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'InvalidArgument');
  }
  const { parse, TomlError } = await import('smol-toml');
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    // smol-toml's message quotes the line; give only where it is.
    const where = error instanceof TomlError ? `line ${error.line}, column ${error.column}` : 'somewhere';
    throw new UsageError(`${path}: not valid TOML (${where})`, 'InvalidArgument');
  }
  const stores: StoresConfig = new Map();
  const table = data.stores;
  if (table === undefined) return stores;
  if (!isTable(table)) throw new UsageError(`${path}: "stores" must be a table ([stores.NAME] sections)`, 'InvalidArgument');
  for (const [name, entry] of Object.entries(table)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]+$/.test(name)) {
      throw new UsageError(`${path}: [stores.${name}]: a name is two or more letters, digits, _ or -`, 'InvalidArgument');
    }
    if (!isTable(entry)) throw new UsageError(`${path}: stores.${name} must be a table with a url`, 'InvalidArgument');
    for (const field of Object.keys(entry)) {
      if (!STORE_FIELDS.has(field)) {
        throw new UsageError(`${path}: [stores.${name}] has "${field}"; a store has only url and profile`, 'InvalidArgument');
      }
    }
    const { url, profile } = entry;
    if (typeof url !== 'string' || url === '') throw new UsageError(`${path}: [stores.${name}] needs url = "…"`, 'InvalidArgument');
    if (profile !== undefined && typeof profile !== 'string') {
      throw new UsageError(`${path}: [stores.${name}] profile must be a string`, 'InvalidArgument');
    }
    stores.set(name, { url, ...(profile !== undefined ? { profile } : {}) });
  }
  return stores;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
