import type { ErrorCode, ListEntry, ListOptions, ObjectRef, Storage } from '@stowage/core';
import { InterceptingStorage, type Layer, type OperationCall, type OperationName, errorCodeOf, resultSize } from './layer.js';

/**
 * How an operation ended: `'ok'`, the `StorageError` code it rejected with, or `'error'` when it
 * rejected with something that is not a `StorageError` (a third party's store that breaks the
 * contract).
 */
export type OperationOutcome = 'ok' | ErrorCode | 'error';

/**
 * One operation, as {@link logging} reports it when the operation ends. It names what was done and
 * where, never what was sent: no body, no header or metadata value, no error message (messages and
 * causes can quote a driver's or server's text, credentials included; the code is enough to act on).
 */
export interface OperationEvent {
  operation: OperationName;
  /** The store's `name` (`'memory'`, `'local'`, `'s3'`, ...). */
  driver: string;
  /** The bucket (for a copy: the target's). */
  bucket?: string;
  /** The key (for a copy: the target's). */
  key?: string;
  /** A copy's source. */
  source?: ObjectRef;
  /** A listing's prefix, when it had one. */
  prefix?: string;
  /**
   * Bytes, where known: a put's body (declared, or as the result says), the object a head
   * describes, the bytes a get's body holds (the range's, for a ranged get), a copy's result.
   */
  size?: number;
  /** A listing's entries (objects and common prefixes) handed to the caller. */
  entries?: number;
  /**
   * Milliseconds from the call to its settling. A get's covers the call, not the reading of its
   * body; a listing's runs from its first entry asked for to the end of its iteration.
   */
  durationMs: number;
  outcome: OperationOutcome;
}

/** The levels {@link logging} logs at. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A pino-style logger: `logger.info(object, message)`. A pino logger (and bunyan's, and most
 * structured loggers) fits as it is.
 */
export interface Logger {
  debug(event: OperationEvent, message: string): void;
  info(event: OperationEvent, message: string): void;
  warn(event: OperationEvent, message: string): void;
  error(event: OperationEvent, message: string): void;
}

/** Options of {@link logging}. */
export interface LoggingOptions {
  /** The level of operations that succeed (and of `NotModified` and `Aborted`). Default `'info'`. */
  level?: 'info' | 'debug';
  /** Levels per outcome, over the defaults (for example `{ NoSuchKey: 'debug' }`). */
  levels?: Partial<Record<OperationOutcome, LogLevel>>;
}

/**
 * The default level of each failure. Server trouble, which an operator should look at, is `error`;
 * what the caller asked for and could not have (a missing key, a failed condition, a bad name) is
 * `warn`. `NotModified` and `Aborted` are not failures of the store: a conditional get answered, or
 * the caller stopped; they log at the level of success.
 */
const FAILURE_LEVELS: Record<ErrorCode | 'error', LogLevel | 'ok'> = {
  NotModified: 'ok',
  Aborted: 'ok',
  NoSuchBucket: 'warn',
  NoSuchKey: 'warn',
  BucketAlreadyExists: 'warn',
  BucketNotEmpty: 'warn',
  PreconditionFailed: 'warn',
  InvalidRange: 'warn',
  InvalidKey: 'warn',
  InvalidBucketName: 'warn',
  InvalidArgument: 'warn',
  NotSupported: 'warn',
  AccessDenied: 'warn',
  ChecksumMismatch: 'error',
  Unavailable: 'error',
  Timeout: 'error',
  error: 'error',
};

/**
 * Logs one structured event ({@link OperationEvent}) per operation when it ends: `{ operation,
 * driver, bucket, key, size, durationMs, outcome }`, to a pino-style logger or to a function. A
 * listing logs once when its iteration ends (run to the end, broken out of, or failed), with the
 * number of entries; a listing left unfinished without `break` or `return` logs nothing.
 *
 * Levels with a logger: success at `options.level` (`'info'` by default, as a request log; `'debug'`
 * keeps it out of pino's default output), `NotModified` and `Aborted` likewise; a caller's error
 * (`NoSuchKey`, `PreconditionFailed`, `InvalidKey`, `AccessDenied`, ...) at `warn`; server trouble
 * (`Unavailable`, `Timeout`, `ChecksumMismatch`, or a rejection that is no `StorageError`) at `error`.
 * `options.levels` changes any of them. The message is `stowage <operation> <outcome>`.
 *
 * An event never holds a body, a header or metadata value, or an error's message or cause. A logger
 * that throws does not change the operation's outcome (its error is dropped).
 *
 * @example
 * import pino from 'pino';
 * const storage = layered(new S3Storage(), retry(), logging(pino(), { level: 'debug' }));
 * // {"level":20,"operation":"getObject","driver":"s3","bucket":"photos","key":"a.jpg","size":5120,"durationMs":12.3,"outcome":"ok","msg":"stowage getObject ok"}
 *
 * @example
 * const storage = layered(new MemoryStorage(), logging((event) => metrics.record(event)));
 */
export function logging(logger: Logger | ((event: OperationEvent) => void), options: LoggingOptions = {}): Layer {
  const okLevel: LogLevel = options.level ?? 'info';
  const levels = options.levels ?? {};
  let emit: (event: OperationEvent) => void;
  if (typeof logger === 'function') {
    emit = logger;
  } else {
    emit = (event) => {
      const configured = FAILURE_LEVELS[event.outcome as ErrorCode | 'error'];
      const level = levels[event.outcome] ?? (configured === undefined || configured === 'ok' ? okLevel : configured);
      logger[level](event, `stowage ${event.operation} ${event.outcome}`);
    };
  }
  const safeEmit = (event: OperationEvent): void => {
    try {
      emit(event);
    } catch {
      // A broken logger must not turn a stored object into a failed put, nor hide the real error.
    }
  };
  return (inner) => new LoggingStorage(inner, safeEmit);
}

/** The outcome of a rejection: its code when it has one of the stable ones, else `'error'`. */
function outcomeOf(error: unknown): OperationOutcome {
  return errorCodeOf(error) ?? 'error';
}

const elapsed = (start: number): number => Math.round((performance.now() - start) * 1000) / 1000;

class LoggingStorage extends InterceptingStorage {
  constructor(
    inner: Storage,
    private readonly emit: (event: OperationEvent) => void,
  ) {
    super(inner);
  }

  protected around<T>(call: OperationCall, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const start = performance.now();
    return run(call.signal).then(
      (result) => {
        this.emit(this.event(call, start, 'ok', call.size ?? resultSize(call.operation, result)));
        return result;
      },
      (error: unknown) => {
        this.emit(this.event(call, start, outcomeOf(error), call.size));
        throw error;
      },
    );
  }

  private event(call: OperationCall, start: number, outcome: OperationOutcome, size: number | undefined): OperationEvent {
    // Built field by field: `call` also holds the signal, which has no place in a log line.
    const event: OperationEvent = { operation: call.operation, driver: this.name, durationMs: elapsed(start), outcome };
    if (call.bucket !== undefined) event.bucket = call.bucket;
    if (call.key !== undefined) event.key = call.key;
    if (call.source !== undefined) event.source = { bucket: call.source.bucket, key: call.source.key };
    if (size !== undefined) event.size = size;
    return event;
  }

  override listObjects(bucket: string, options: ListOptions = {}): AsyncIterable<ListEntry> {
    return this.list(bucket, options);
  }

  private async *list(bucket: string, options: ListOptions): AsyncGenerator<ListEntry> {
    const start = performance.now();
    let entries = 0;
    let outcome: OperationOutcome = 'ok';
    try {
      for await (const entry of this.inner.listObjects(bucket, options)) {
        entries++;
        yield entry;
      }
    } catch (error) {
      outcome = outcomeOf(error);
      throw error;
    } finally {
      // Runs on the end, on a failure, and on the caller's `break` (the generator's return).
      const event: OperationEvent = { operation: 'listObjects', driver: this.name, bucket, entries, durationMs: elapsed(start), outcome };
      if (typeof options.prefix === 'string' && options.prefix !== '') event.prefix = options.prefix;
      this.emit(event);
    }
  }
}
