import type { Role } from './adapters.js';
import type { MetricSpec } from './cases.js';

/** Milliseconds per timed repetition, per metric, of one subject. */
export interface SubjectResult {
  name: string;
  role: Role;
  note?: string;
  samples: Record<string, number[]>;
  /** CPU milliseconds of the whole process per timed repetition, per metric (less sensitive to a busy machine). */
  cpuSamples: Record<string, number[]>;
  /** Set when the subject failed; its samples are then incomplete. */
  error?: string;
}

export interface TimedResult {
  kind: 'timed';
  id: string;
  group: string;
  title: string;
  metrics: MetricSpec[];
  subjects: SubjectResult[];
  reps: number;
  warmup: number;
  seconds: number;
  skipped?: string;
}

export interface RssResult {
  kind: 'rss';
  id: string;
  group: string;
  title: string;
  name: string;
  role: Role;
  note?: string;
  bytes: number;
  /**
   * RSS before streaming, the peak while streaming (VmHWM after a reset), and the growth: peak −
   * start, or with `measure: 'held'` the RSS while the store holds the bytes (after a forced GC) −
   * start.
   */
  startRss: number;
  peakRss: number;
  growth: number;
  measure?: 'held';
  heldRss?: number;
  limit: { bytes: number; rule: string };
  seconds: number;
  error?: string;
  skipped?: string;
}

export type CaseResult = TimedResult | RssResult;

/** Messages from a child process to the parent. */
export type ChildMessage = { type: 'progress'; text: string } | { type: 'result'; result: CaseResult };
