/** The web variant of `listener-limit.ts`: no listener limit or warning exists here. */
export function allowAbortListeners(_signal: AbortSignal, _count: number): void {}
