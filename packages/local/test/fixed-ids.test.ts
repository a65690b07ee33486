import { Volume } from 'memfs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixedIds, fixPermissionIds, processWithIds } from '../src/fixed-ids.js';

function volumeWithFixedIds(ids: { uid: number; gid: number }): InstanceType<typeof Volume> {
  const volume = Volume.fromJSON({ '/dir/file.txt': 'hello' }, undefined, { process: processWithIds(ids) });
  fixPermissionIds(volume, ids);
  return volume;
}

describe('memfs with the ids read once', () => {
  afterEach(() => vi.restoreAllMocks());

  it('checks permissions without asking the kernel for the ids', () => {
    const volume = volumeWithFixedIds(fixedIds());
    const getuid = vi.spyOn(process, 'getuid');
    const getgid = vi.spyOn(process, 'getgid');
    expect(volume.readFileSync('/dir/file.txt', 'utf8')).toBe('hello');
    volume.writeFileSync('/dir/file.txt', 'again');
    volume.renameSync('/dir/file.txt', '/dir/moved.txt');
    expect(volume.statSync('/dir/moved.txt').size).toBe(5);
    volume.unlinkSync('/dir/moved.txt');
    expect(getuid).not.toHaveBeenCalled();
    expect(getgid).not.toHaveBeenCalled();
  });

  it('still refuses what the fixed ids may not do, on old and new files and after a reset', () => {
    const ids = { uid: 4242, gid: 4242 }; // not the file's owner, not its group
    const volume = volumeWithFixedIds(ids);
    volume.writeFileSync('/dir/new.txt', 'x');
    for (const file of ['/dir/file.txt', '/dir/new.txt']) {
      volume.chownSync(file, 1, 1);
      volume.chmodSync(file, 0o600);
      expect(() => volume.readFileSync(file), file).toThrow(expect.objectContaining({ code: 'EACCES' }) as Error);
      volume.chmodSync(file, 0o604); // readable by others
      expect(volume.readFileSync(file, 'utf8')).toMatch(/hello|x/);
    }
    volume.reset();
    volume.mkdirSync('/locked');
    volume.chownSync('/locked', 1, 1);
    volume.chmodSync('/locked', 0o700);
    expect(() => volume.writeFileSync('/locked/file', 'x')).toThrow(expect.objectContaining({ code: 'EACCES' }) as Error);
  });
});
