import { Readable } from 'node:stream';
import type { GetResult, ObjectInfo } from './storage.js';

/** Reads a stream to its end into one byte array. */
export async function collectBytes(stream: AsyncIterable<Uint8Array | string>): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const chunk of stream)
    parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
}

/** Builds a {@link GetResult} around a body stream: drivers call this so the helpers behave the same everywhere. */
export function createGetResult(info: ObjectInfo, body: Readable, range?: { offset: number; length: number }): GetResult {
  return {
    info,
    ...(range ? { range } : {}),
    body,
    bytes: () => collectBytes(body),
    text: async () => Buffer.from(await collectBytes(body)).toString('utf8'),
    webStream: () => Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>,
  };
}
