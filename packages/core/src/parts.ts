/** A byte range of an object, one of the parts a transfer splits it into. */
export interface Part {
  /** First byte. */
  offset: number;
  /** Bytes in the part. */
  length: number;
}

/** Cuts `size` bytes into parts of `partSize` (the last one shorter). */
export function splitIntoParts(size: number, partSize: number): Part[] {
  const parts: Part[] = [];
  for (let offset = 0; offset < size; offset += partSize) parts.push({ offset, length: Math.min(partSize, size - offset) });
  return parts;
}
