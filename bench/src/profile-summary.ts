// Summarises a V8 .cpuprofile (from `pnpm bench --profile`, i.e. node --cpu-prof): the functions
// with the most self time, and the most inclusive time, optionally only those whose file matches.
//
//   tsx src/profile-summary.ts profiles/memory.list.*.cpuprofile [--filter packages/] [--top 25]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const files = args.filter((a, i) => !a.startsWith('--') && !(args[i - 1] ?? '').startsWith('--'));
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const filter = flag('--filter');
const top = Number(flag('--top') ?? 25);

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Time per sample: the delta that follows it.
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  });
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const label = (n: Node) => {
    const url = n.callFrame.url
      .replace(/^file:\/\//, '')
      .replace(/.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '~/')
      .replace(/.*\/work\/main\//, '');
    return `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    self.set(label(node), (self.get(label(node)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const l = label(byId.get(cur)!);
      if (seen.has(l)) continue;
      seen.add(l);
      inclusive.set(l, (inclusive.get(l) ?? 0) + ms);
    }
  }
  const show = (title: string, map: Map<string, number>) => {
    console.log(`\n${title}`);
    const rows = [...map]
      .filter(([l]) => !filter || l.includes(filter))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
    for (const [l, ms] of rows) console.log(`${ms.toFixed(0).padStart(8)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${l}`);
  };
  console.log(`${file}: ${(total / 1000).toFixed(1)} s sampled`);
  show('self time', self);
  show('inclusive time', inclusive);
}
