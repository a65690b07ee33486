/** Node's `Buffer.compare`, looked up at run time (browsers and workers have none). */
const nodeCompare = (globalThis as { Buffer?: { compare(a: Uint8Array, b: Uint8Array): number } }).Buffer?.compare;

/** Whether `a` and `b` hold the same bytes (Node's native compare where there is one, else a loop). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  if (nodeCompare) return nodeCompare(a, b) === 0;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
