/** The web variant of `listener-limit.ts`: no listener limit or warning exists here. */
export function allowManyListeners(_signal: AbortSignal): void {}
