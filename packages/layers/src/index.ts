/**
 * @stowage/layers: behaviour any stowage store gets by wrapping it (retry, timeout, concurrency
 * limit, logging, tracing, prefixes, read-only, faults, mounts), written once for every driver.
 * @packageDocumentation
 */
export {
  ForwardingStorage,
  InterceptingStorage,
  type Layer,
  type OperationCall,
  type OperationName,
  WRITE_OPERATIONS,
  knownSize,
  layered,
  withSignal,
} from './layer.js';
export { type TimeoutOptions, timeout } from './timeout.js';
export { parseDuration } from '@stowage/core';
export { concurrencyLimit } from './concurrency-limit.js';
export { type LogLevel, type Logger, type LoggingOptions, type OperationEvent, type OperationOutcome, logging } from './logging.js';
export { TRACER_NAME, type TracerLike, type TracingOptions, tracing } from './tracing.js';
export { type RetryEvent, type RetryOptions, retry } from './retry.js';
export { FAULT_KINDS, type FaultKind, type FaultPlan, type FaultStats, type FaultsLayer, faults } from './faults.js';
export { prefixed } from './prefixed.js';
export { readOnly } from './read-only.js';
export { type MountedOptions, mounted } from './mounted.js';
