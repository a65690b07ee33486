import { open } from 'node:fs/promises';

/** Flips the first byte of `file` in place (same inode, same size): bit rot beneath a store. */
export async function flipFirstByte(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, 0);
    byte[0] = (byte[0] as number) ^ 0xff;
    await handle.write(byte, 0, 1, 0);
  } finally {
    await handle.close();
  }
}
