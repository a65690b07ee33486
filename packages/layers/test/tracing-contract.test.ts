import { SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeStorageContract } from '@stowage/contract';
import { layered, tracing } from '@stowage/layers';
import { MemoryStorage } from '@stowage/memory';
import { afterAll, beforeAll, describe, expect } from 'vitest';

// tracing must not change what a store answers, with no SDK (the pass-through path) and with one
// (every call inside a recorded span): the shared contract on memory inside it, both ways.
describeStorageContract('memory inside tracing(), no SDK', () => layered(new MemoryStorage(), tracing()));

describe('with an SDK registered', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  beforeAll(() => {
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    trace.disable();
    const spans = exporter.getFinishedSpans();
    expect(spans.length).toBeGreaterThan(100);
    for (const span of spans) {
      expect(span.name).toMatch(/^stowage\.[a-zA-Z]+$/);
      if (span.status.code === SpanStatusCode.ERROR) expect(span.attributes['error.type']).toBeTypeOf('string');
    }
    await provider.shutdown();
  });
  describeStorageContract('memory inside tracing(), SDK registered', () => layered(new MemoryStorage(), tracing()));
});
