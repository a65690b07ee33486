// One case (timed) or one subject of an RSS case, in a fresh process, so one case's garbage, page
// cache warm-up of the heap and JIT state do not leak into another's numbers. Talks to the parent
// over IPC; run by main.ts, not by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { CASES, PartialRunError, streamThrough, type RssCase, type Subject, type TimedCase } from './cases.js';
import type { BenchConfig } from './config.js';
import type { ChildMessage, RssResult, SubjectResult, TimedResult } from './results.js';
import { gc, generatedStream, quietSdkWarning, removeDir, scratch, sink, type Timing } from './util.js';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

function progress(text: string): void {
  void send({ type: 'progress', text });
}

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

async function runTimed(def: TimedCase, cfg: BenchConfig): Promise<TimedResult> {
  const started = Date.now();
  const dir = await scratch(def.id);
  const metrics = def.metrics(cfg);
  const results = new Map<Subject, SubjectResult>();
  const reps = def.reps?.(cfg) ?? cfg.reps;
  try {
    const subjects = (await def.subjects(cfg, dir)).filter((s) => !cfg.subjects || cfg.subjects.some((name) => s.name.includes(name)));
    for (const subject of subjects) {
      const result: SubjectResult = {
        name: subject.name,
        role: subject.role,
        samples: {},
        cpuSamples: {},
        ...(subject.note ? { note: subject.note } : {}),
      };
      results.set(subject, result);
      try {
        progress(`setting up ${subject.name}`);
        await subject.setup();
      } catch (error) {
        result.error = `setup: ${errorText(error)}`;
      }
    }
    const total = cfg.warmup + reps;
    for (let rep = 0; rep < total; rep++) {
      // Each repetition starts with a different subject, so drift (other work on the machine,
      // page cache, heap growth) does not always favour the same one.
      const order = subjects.map((_, i) => subjects[(i + rep) % subjects.length]!);
      progress(`${rep < cfg.warmup ? 'warm-up' : `rep ${rep - cfg.warmup + 1}/${reps}`}`);
      for (const subject of order) {
        const result = results.get(subject)!;
        if (result.error) continue;
        gc();
        const record = (times: Record<string, Timing | Timing[]>) => {
          if (rep < cfg.warmup) return;
          for (const [metric, timings] of Object.entries(times)) {
            for (const t of Array.isArray(timings) ? timings : [timings]) {
              (result.samples[metric] ??= []).push(t.ms);
              (result.cpuSamples[metric] ??= []).push(t.cpuMs);
            }
          }
        };
        try {
          record(await subject.run(rep < cfg.warmup));
        } catch (error) {
          // A run that failed part-way may hand over the samples it took (memory.scale).
          if (error instanceof PartialRunError) record(error.times);
          result.error = errorText(error);
        }
        await subject.cleanup().catch(() => undefined);
      }
    }
    for (const subject of subjects) await subject.teardown().catch(() => undefined);
  } finally {
    await removeDir(dir);
  }
  return {
    kind: 'timed',
    id: def.id,
    group: def.group,
    title: def.title,
    metrics,
    subjects: [...results.values()],
    reps,
    warmup: cfg.warmup,
    seconds: (Date.now() - started) / 1000,
  };
}

/** Forced GC twice, each followed by a pause, so freed memory (and what finalisers free) is gone. */
async function settle(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function status(field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

async function runRss(def: RssCase, cfg: BenchConfig, index: number): Promise<RssResult> {
  const dir = await scratch(def.id);
  const adapter = def.adapters(cfg, dir)[index];
  if (!adapter) throw new Error(`${def.id} has no subject ${index}`);
  const bytes = def.bytes(cfg);
  const base = {
    kind: 'rss' as const,
    id: def.id,
    group: def.group,
    title: def.title,
    name: adapter.name,
    role: adapter.role,
    ...(adapter.note ? { note: adapter.note } : {}),
    bytes,
    limit: def.limit(cfg),
    ...(def.measure === 'held' ? { measure: 'held' as const } : {}),
  };
  const started = Date.now();
  try {
    await adapter.init();
    gc();
    gc();
    // Reset the kernel's high-water mark (VmHWM) to the current RSS: the peak read afterwards is
    // the peak of the streaming alone, not of start-up (module loading, tsx's compiler).
    writeFileSync('/proc/self/clear_refs', '5');
    const startRss = status('VmRSS');
    let sampled = startRss;
    const timer = setInterval(() => {
      sampled = Math.max(sampled, process.memoryUsage.rss());
    }, 10);
    if (def.measure === 'held') {
      // Put the bytes, force GC (twice, with a pause for finalisers), read RSS while the store
      // still holds them, then read them back (which also keeps the store alive until then).
      const key = 'hold/object.bin';
      let heldRss: number;
      try {
        await adapter.putStream(key, generatedStream(bytes));
        await settle();
        heldRss = status('VmRSS');
      } finally {
        clearInterval(timer);
      }
      const peakRss = Math.max(status('VmHWM'), sampled);
      const out = sink();
      await pipeline(await adapter.getStream(key), out);
      if (out.bytes !== bytes) throw new Error(`read back ${out.bytes} bytes of ${bytes}`);
      await adapter.close();
      return { ...base, startRss, peakRss, heldRss, growth: heldRss - startRss, seconds: (Date.now() - started) / 1000 };
    }
    try {
      await streamThrough(
        adapter,
        () => generatedStream(bytes),
        () => sink(),
      );
    } finally {
      clearInterval(timer);
    }
    const peakRss = Math.max(status('VmHWM'), sampled);
    await adapter.close();
    return { ...base, startRss, peakRss, growth: peakRss - startRss, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    return { ...base, startRss: 0, peakRss: 0, growth: 0, seconds: (Date.now() - started) / 1000, error: errorText(error) };
  } finally {
    await removeDir(dir);
  }
}

async function main(): Promise<void> {
  quietSdkWarning();
  // `timed a,b,c <config>`: those timed cases one after another; `rss id <config> n`: subject n of an RSS case.
  const [mode, ids, json, index] = process.argv.slice(2);
  const cfg = JSON.parse(json ?? '{}') as BenchConfig;
  for (const id of (ids ?? '').split(',')) {
    const def = CASES.find((c) => c.id === id);
    if (!def) throw new Error(`no case ${id}`);
    const result =
      mode === 'rss' && def.kind === 'rss'
        ? await runRss(def, cfg, Number(index))
        : def.kind === 'timed'
          ? await runTimed(def, cfg)
          : undefined;
    if (!result) throw new Error(`case ${id} is not a ${mode} case`);
    await send({ type: 'result', result });
  }
}

// Exit explicitly: keep-alive sockets and native runtimes (opendal) would keep the process alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
