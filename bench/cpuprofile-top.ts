// Summarises V8 .cpuprofile files (node --cpu-prof): self time per function, per source file
// and per package, with bundle positions mapped back to the TypeScript sources through the
// bundle's source map (node:module SourceMap), so hot spots read as libs/…/file.ts:line.
// --start-us/--end-us (CLOCK_MONOTONIC microseconds, the clock V8 stamps samples with, as
// process.hrtime) keep only the samples of that window, e.g. the store run without start-up.
// Usage: node --import tsx bench/cpuprofile-top.ts [--top N] [--start-us T] [--end-us T] FILE.cpuprofile...
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '30' }, 'start-us': { type: 'string', default: '0' }, 'end-us': { type: 'string', default: 'Infinity' } },
  allowPositionals: true,
});
const top = Number(values.top);
const fromUs = Number(values['start-us']);
const toUs = Number(values['end-us']);

const maps = new Map<string, SourceMap | null>();
function sourceMapFor(url: string): SourceMap | null {
  if (!url.startsWith('file://')) return null;
  if (!maps.has(url)) {
    const path = `${fileURLToPath(url)}.map`;
    maps.set(url, existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]) : null);
  }
  return maps.get(url) ?? null;
}

/** "path:line" in the original source where possible (1-based line). */
function locate(frame: CallFrame): string {
  if (!frame.url) return '(native)';
  const map = sourceMapFor(frame.url);
  if (map) {
    const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource) {
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(fileURLToPath(new URL('.', frame.url)), entry.originalSource);
      return `${relative(ROOT, source)}:${(entry.originalLine ?? 0) + 1}`;
    }
  }
  const path = frame.url.startsWith('file://') ? relative(ROOT, fileURLToPath(frame.url)) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

function packageOf(location: string): string {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (nm) return nm[1]!;
  const lib = /^(libs\/(?:service\/)?[^/]+|apps\/[^/]+|bench|tools\/[^/]+)/.exec(location);
  if (lib) return lib[1]!;
  if (location.startsWith('node:') || !location.includes('/')) return 'node internals / native';
  return location.split(':')[0]!;
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= fromUs && at <= toUs) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  // Inclusive time of our own functions (libs/, apps/, tools/): each sample counts once for
  // every distinct function of ours on its stack, so callers show what their callees cost.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const oursOf = new Map<number, string | null>();
  const ourKey = (id: number): string | null => {
    if (!oursOf.has(id)) {
      const frame = byId.get(id)!.callFrame;
      const where = frame.url ? locate(frame) : '';
      oursOf.set(id, /(^|\/)(libs|apps|tools)\//.test(where) ? `${frame.functionName || '(anonymous)'}  ${where}` : null);
    }
    return oursOf.get(id)!;
  };
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = ourKey(at);
      if (key && !seen.has(key)) {
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + us);
      }
    }
  }
  const special = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byPackage = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  for (const [id, us] of self) {
    const frame = byId.get(id)!.callFrame;
    if (/^\((idle|garbage collector|program|root)\)$/.test(frame.functionName)) {
      add(special, frame.functionName, us);
      continue;
    }
    const where = locate(frame);
    add(byFunction, `${frame.functionName || '(anonymous)'}  ${where}`, us);
    add(byFile, where.replace(/:\d+$/, ''), us);
    add(byPackage, packageOf(where), us);
  }
  const busy = total - (special.get('(idle)') ?? 0);
  const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const table = (title: string, m: Map<string, number>, n: number): void => {
    console.log(`\n${title} (self ms, % of busy time)`);
    for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${ms(us)} ${pct(us)}  ${k}`);
  };
  console.log(`# ${file}`);
  const offset = (t: number): string => ((Math.min(Math.max(t, profile.startTime), profile.endTime) - profile.startTime) / 1e6).toFixed(1);
  console.log(`profile ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s; window ${offset(fromUs)}–${offset(toUs)} s: sampled ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s`);
  for (const [k, us] of special) console.log(`${ms(us)} ${k}`);
  table('by package', byPackage, 15);
  table('by file', byFile, 20);
  table('by function', byFunction, top);
  table('our functions, inclusive (self + callees)', inclusive, top);
}
