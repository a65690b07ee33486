import { readFileSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, type FsPromises } from './fs-api.js';

/**
 * When a process started (Linux: clock ticks since boot, from `/proc/<pid>/stat`), so a pid the
 * system reused is not taken for the process that died; `'0'` where that cannot be read.
 */
function startOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, start time field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

let ownId: string | undefined;

/** This process, as lock files name their owner: `<pid>.<start time>`. */
export function processId(): string {
  ownId ??= `${process.pid}.${startOf(process.pid) ?? '0'}`;
  return ownId;
}

/** True while the process `id` ({@link processId}) runs: its pid is alive and, where known, started when it did. */
export function processAlive(id: string): boolean {
  const [pidText, start] = id.split('.');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errnoCode(error) !== 'EPERM') return false;
  }
  if (start === undefined || start === '0') return true;
  const now = startOf(pid);
  return now === undefined || now === start;
}

const MAX_WAIT_MS = 25;

/**
 * Locks shared by every process using one root, for the check-and-publish step of conditional
 * writes. A lock is a hard link, made with `link()` (which fails when the name exists), to this
 * process's owner file, whose content names the process: taking one is one system call, and the
 * holder is known without a second write that a crash could tear. A lock whose holder died (pid
 * gone, or reused by a process started at another time) is removed and the lock taken again; its
 * removal is itself guarded by a `.steal` lock so that two processes cannot both remove, one of
 * them after the other has already taken it afresh. No native addon, nothing timed: a holder that
 * is alive is waited for, however long it takes.
 */
export class ProcessLocks {
  private owner: Promise<string> | undefined;

  constructor(
    private readonly fs: FsPromises,
    private readonly dir: string,
  ) {}

  /** Runs `work` holding the lock `name` (any string; hashed to a file name). */
  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    // node:crypto is loaded here, by the first conditional write, not by every command that opens a store.
    const { createHash } = await import('node:crypto');
    const lock = path.join(this.dir, `${createHash('sha256').update(name).digest('hex').slice(0, 40)}.lock`);
    await this.acquire(lock);
    try {
      return await work();
    } finally {
      await this.fs.unlink(lock).catch(() => undefined);
    }
  }

  /** Removes the owner files of processes that died (their locks, if any are left, are removed when next wanted). */
  async removeDeadOwners(): Promise<void> {
    for (const entry of await this.fs.readdir(this.dir, { withFileTypes: true })) {
      const name = String(entry.name);
      if (name.endsWith('.owner') && !processAlive(name.slice(0, -'.owner'.length))) {
        await this.fs.unlink(path.join(this.dir, name)).catch(() => undefined);
      }
    }
  }

  private ownerFile(): Promise<string> {
    this.owner ??= (async () => {
      const id = processId();
      const file = path.join(this.dir, `${id}.owner`);
      await this.fs.writeFile(file, id);
      return file;
    })().catch((error: unknown) => {
      this.owner = undefined;
      throw error;
    });
    return this.owner;
  }

  private async acquire(lock: string): Promise<void> {
    const owner = await this.ownerFile();
    for (let wait = 1; ; wait = Math.min(wait * 2, MAX_WAIT_MS)) {
      if (await this.tryLink(owner, lock)) return;
      const holder = await this.holderOf(lock);
      if (holder === undefined) continue; // released meanwhile
      if (processAlive(holder.id)) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      await this.removeDead(owner, lock, holder.ino);
    }
  }

  /** Removes `lock` if it is still the dead holder's (inode `ino`), under the lock's `.steal` guard. */
  private async removeDead(owner: string, lock: string, ino: number): Promise<void> {
    const guard = `${lock}.steal`;
    if (!(await this.tryLink(owner, guard))) {
      const stealer = await this.holderOf(guard);
      // A stealer that died inside the guard: its guard goes (it held it for two calls at most).
      if (stealer && !processAlive(stealer.id)) await this.fs.unlink(guard).catch(() => undefined);
      else await new Promise((resolve) => setTimeout(resolve, 1));
      return;
    }
    try {
      const again = await this.holderOf(lock);
      if (again && again.ino === ino && !processAlive(again.id)) await this.fs.unlink(lock).catch(() => undefined);
    } finally {
      await this.fs.unlink(guard).catch(() => undefined);
    }
  }

  private async tryLink(owner: string, lock: string): Promise<boolean> {
    try {
      await this.fs.link(owner, lock);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') return false;
      if (errnoCode(error) === 'ENOENT') {
        // The owner file (or the folder) was removed behind this process's back: made again.
        this.owner = undefined;
        await this.fs.mkdir(this.dir, { recursive: true });
        return this.tryLink(await this.ownerFile(), lock);
      }
      throw error;
    }
  }

  /** Who holds `lock` (by its content) and its inode; `undefined` when it is gone. */
  private async holderOf(lock: string): Promise<{ id: string; ino: number } | undefined> {
    let handle: Awaited<ReturnType<FsPromises['open']>>;
    try {
      handle = await this.fs.open(lock, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const stat = await handle.stat();
      const buffer = Buffer.alloc(64);
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, 0);
      return { id: buffer.subarray(0, bytesRead).toString('utf8'), ino: stat.ino };
    } finally {
      await handle.close();
    }
  }
}
