import { describe, expect, it } from 'vitest';
import { abortError, isStorageError, raceAbort, raceSignal, throwIfAborted } from '@stowage/core';

describe('abort helpers', () => {
  it('abortError is Aborted, with the location and the reason as cause', () => {
    const controller = new AbortController();
    const reason = new Error('time is up');
    controller.abort(reason);
    const error = abortError(controller.signal, { bucket: 'b', key: 'k' });
    expect(error).toMatchObject({ code: 'Aborted', bucket: 'b', key: 'k' });
    expect(error.message).toContain('time is up');
    expect(error.cause).toBe(reason);
  });

  it('abortError does not repeat the default AbortError reason', () => {
    const error = abortError(AbortSignal.abort());
    expect(error.message).toBe('the operation was aborted');
  });

  it('throwIfAborted throws only once the signal fired', () => {
    const controller = new AbortController();
    expect(() => throwIfAborted(undefined)).not.toThrow();
    expect(() => throwIfAborted(controller.signal)).not.toThrow();
    controller.abort();
    expect(() => throwIfAborted(controller.signal, { key: 'k' })).toThrow(expect.objectContaining({ code: 'Aborted', key: 'k' }));
  });

  it('raceAbort passes the result through when nothing aborts', async () => {
    expect(await raceAbort(undefined, Promise.resolve(1))).toBe(1);
    expect(await raceAbort(new AbortController().signal, Promise.resolve(2))).toBe(2);
  });

  it('raceAbort rejects Aborted while the task is still running', async () => {
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    setTimeout(() => controller.abort(), 10);
    const error = await raceAbort(controller.signal, never).catch((e: unknown) => e);
    expect(isStorageError(error, 'Aborted')).toBe(true);
  });

  it('raceAbort rejects at once for a fired signal', async () => {
    const error = await raceAbort(AbortSignal.abort(), Promise.resolve(1)).catch((e: unknown) => e);
    expect(isStorageError(error, 'Aborted')).toBe(true);
  });

  it('raceAbort passes a task failure through', async () => {
    const boom = new Error('boom');
    expect(await raceAbort(new AbortController().signal, Promise.reject(boom)).catch((e: unknown) => e)).toBe(boom);
  });

  it('raceSignal rejects with what failure() gives, at once or when the signal fires', async () => {
    const stop = new AbortController();
    const reason = new Error('a part failed');
    setTimeout(() => stop.abort(reason), 10);
    expect(await raceSignal(stop.signal, new Promise<number>(() => undefined), () => stop.signal.reason).catch((e: unknown) => e)).toBe(
      reason,
    );
    expect(await raceSignal(stop.signal, Promise.resolve(1), () => 'stopped').catch((e: unknown) => e)).toBe('stopped');
  });

  it('raceSignal removes its listener once the task settles, so racing many tasks holds none of them', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const { signal } = controller;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listeners++;
      add(...args);
    };
    signal.removeEventListener = (...args: Parameters<AbortSignal['removeEventListener']>) => {
      listeners--;
      remove(...args);
    };
    for (let i = 0; i < 100; i++) expect(await raceSignal(signal, Promise.resolve(i), () => 'stopped')).toBe(i);
    await raceSignal(signal, Promise.reject(new Error('boom')), () => 'stopped').catch(() => undefined);
    expect(listeners).toBe(0);
  });
});
