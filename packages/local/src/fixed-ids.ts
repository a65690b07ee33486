import type { IProcess, Volume } from 'memfs';

/**
 * memfs asks for the user and group ids on every path walk, every permission check and every new
 * file, and `process.getuid()`/`getgid()` are system calls (~1.2 µs each in a VM): with the `process`
 * memfs is given they were still 41 % of the memory driver's CPU time on small objects, because
 * memfs's permission checks (`canRead()`, `canWrite()`, `canExecute()` on each node) read the
 * global `process` when called without ids. The ids do not change while a process runs, so they
 * are read once here.
 */
export function fixedIds(): { uid: number; gid: number } {
  return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
}

/** The `process` memfs consults, answering the ids read once. */
export function processWithIds({ uid, gid }: { uid: number; gid: number }): IProcess {
  return {
    getuid: () => uid,
    getgid: () => gid,
    cwd: () => process.cwd(),
    platform: process.platform,
    emitWarning: (message, type) => process.emitWarning(message, type),
    env: process.env,
  };
}

type Check = (uid?: number, gid?: number) => boolean;

/** What this module touches of a memfs node: its permission checks. */
interface PermissionNode {
  canRead: Check;
  canWrite: Check;
  canExecute: Check;
}

/** What this module touches of memfs's superblock (memfs 4.x): its node factory and its nodes. */
interface Superblock {
  createNode(mode: number): PermissionNode;
  inodes: Record<number, PermissionNode>;
}

function isSuperblock(core: unknown): core is Superblock {
  const candidate = core as Partial<Superblock> | undefined;
  return typeof candidate?.createNode === 'function' && typeof candidate.inodes === 'object' && candidate.inodes !== null;
}

/**
 * Gives every node of `volume` (and every node it creates from now on) permission checks that
 * default to `ids` instead of asking the kernel. Only this volume changes, not memfs's classes. On
 * a memfs whose internals differ it changes nothing: the checks stay correct, only slower.
 */
export function fixPermissionIds(volume: InstanceType<typeof Volume>, { uid, gid }: { uid: number; gid: number }): void {
  const core = (volume as unknown as { _core?: unknown })._core;
  if (!isSuperblock(core)) return;
  const sample = Object.values(core.inodes)[0];
  if (!sample || typeof sample.canRead !== 'function') return;
  const proto = Object.getPrototypeOf(sample) as PermissionNode;
  const { canRead, canWrite, canExecute } = proto;
  const checks: PermissionNode = {
    canRead(this: PermissionNode, u = uid, g = gid) {
      return canRead.call(this, u, g);
    },
    canWrite(this: PermissionNode, u = uid, g = gid) {
      return canWrite.call(this, u, g);
    },
    canExecute(this: PermissionNode, u = uid, g = gid) {
      return canExecute.call(this, u, g);
    },
  };
  const fix = (node: PermissionNode): PermissionNode => Object.assign(node, checks);
  for (const node of Object.values(core.inodes)) fix(node);
  const createNode = core.createNode.bind(core);
  core.createNode = (mode) => fix(createNode(mode));
}
