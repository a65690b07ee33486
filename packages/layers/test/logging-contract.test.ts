import { describeStorageContract } from '@stowage/contract';
import { layered, logging, type OperationEvent } from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';
import { afterAll, expect } from 'vitest';

// logging must not change what a store answers: the shared contract on memory inside it, with a
// function logger and with a pino-style one, every event checked for its shape.
const events: OperationEvent[] = [];
const pinoLike = {
  debug: (e: OperationEvent) => events.push(e),
  info: (e: OperationEvent) => events.push(e),
  warn: (e: OperationEvent) => events.push(e),
  error: (e: OperationEvent) => events.push(e),
};

describeStorageContract('memory inside logging(fn)', () =>
  layered(
    new MemoryStorage(),
    logging((event) => events.push(event)),
  ),
);
describeStorageContract('memory inside logging(logger)', () => layered(new MemoryStorage(), logging(pinoLike, { level: 'debug' })));

afterAll(() => {
  expect(events.length).toBeGreaterThan(100);
  for (const event of events) {
    expect(typeof event.operation).toBe('string');
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
    expect(event.outcome).toMatch(/^(ok|error|[A-Z][A-Za-z]+)$/);
  }
});
