// Perf: start a run from a saved profile or a URL and watch it live (rate, errors, p50 and p99 each
// second as sparklines, and a histogram of the per-second p99), stop it with `s` (the partial result is
// kept), browse the stored results and compare the marked ones.
import { Box, Text, useInput } from 'ink';
import type { ReactNode } from 'react';
import type { LiveProgress } from '../../perf/engine/native.js';
import type { PerfResult } from '../../perf/result/model.js';
import type { PerfProfile } from '../../perf/store/types.js';
import type { Comparison, PerfTarget } from '../base/sources.js';
import { bar, buckets, fit, row, sparkline, usAsMs, windowAround } from '../base/text.js';
import { Line, Prompt, useColor, useCursor, useKeyState, useLineEditor, useUi } from '../base/ui.js';

export interface LiveRun {
  label: string;
  /** One report a second, oldest first. */
  samples: LiveProgress[];
  state: 'running' | 'stopping' | 'done' | 'failed';
  /** What happened at the end ("result 1a2b3c4d stored, partial: stopped after 4 s"). */
  message?: string;
}

export interface PerfProps {
  profiles?: PerfProfile[];
  results?: PerfResult[];
  error?: string;
  run?: LiveRun;
  comparison?: Comparison;
  height: number;
  width: number;
  active: boolean;
  onStart: (target: PerfTarget) => void;
  onStop: () => void;
  onCompare: (ids: string[]) => void;
  onCloseComparison: () => void;
}

export const PERF_KEYS = 'Enter run profile | n run a URL | s stop | Space mark | c compare | Esc back';

type Entry = { kind: 'profile'; p: PerfProfile } | { kind: 'result'; r: PerfResult };

export function livePanel(run: LiveRun, width: number): string[] {
  const last = run.samples.at(-1);
  const graph = Math.max(10, width - 8);
  const p99s = run.samples.map((s) => s.p99Us);
  const lines = [
    `${run.label} | ${last ? Math.round(last.elapsedMs / 1000) : 0}s | ${run.state}${run.message ? ` | ${run.message}` : ''}`,
    last
      ? `rate ${Math.round(last.rate)}/s | sent ${last.sent} | errors ${last.errors} | p50 ${usAsMs(last.p50Us)} | p99 ${usAsMs(last.p99Us)}`
      : 'starting…',
    `rate  ${sparkline(
      run.samples.map((s) => s.rate),
      graph,
    )}`,
    `p50   ${sparkline(
      run.samples.map((s) => s.p50Us ?? Number.NaN),
      graph,
    )}`,
    `p99   ${sparkline(p99s, graph)}`,
  ];
  const hist = buckets(p99s, 4);
  const most = Math.max(0, ...hist.map((b) => b.count));
  for (const b of hist)
    lines.push(`p99 ≤${fit(usAsMs(b.upTo), 8)} ${bar(b.count, most, Math.max(5, width - 24))} ${b.count}s`);
  return lines;
}

function entryLine(e: Entry, marked: boolean, widths: number[]): string {
  if (e.kind === 'profile')
    return row(['profile', e.p.name, e.p.settings.url ?? '', e.p.mesh || '-', ''], widths);
  const r = e.r;
  return row(
    [
      marked ? '[x] result' : '[ ] result',
      `${r.id.slice(0, 8)} ${r.name}`,
      `${Math.round(r.actual_qps)}/s p50 ${r.latencies_ms.p50}ms p99 ${r.latencies_ms.p99}ms`,
      `${r.errors.total} err`,
      `${r.start_time.replace(/\.\d+Z$/, 'Z')}${r.interrupted ? ' (partial)' : ''}`,
    ],
    widths,
  );
}

export function PerfView(p: PerfProps): ReactNode {
  const c = useColor();
  const ui = useUi();
  const [marked, setMarked, markedNow] = useKeyState<string[]>([]);
  const url = useLineEditor((text) => {
    if (text) p.onStart({ url: text });
  });
  const entries: Entry[] = [
    ...(p.profiles ?? []).map((x) => ({ kind: 'profile' as const, p: x })),
    ...(p.results ?? []).map((x) => ({ kind: 'result' as const, r: x })),
  ];
  const cursor = useCursor(entries.length);
  const selected = cursor.index;
  const running = p.run?.state === 'running' || p.run?.state === 'stopping';
  useInput(
    (input, key) => {
      if (url.handle(input, key)) return;
      const e = entries[cursor.now()];
      if (key.escape && p.comparison) p.onCloseComparison();
      else if (input === 's' && running) p.onStop();
      else if (input === 'n' && !running) url.start('http://');
      else if (key.upArrow) cursor.move(-1);
      else if (key.downArrow) cursor.move(1);
      else if (key.return && e?.kind === 'profile' && !running) p.onStart({ profile: e.p.name });
      else if (input === ' ' && e?.kind === 'result')
        setMarked(
          markedNow().includes(e.r.id) ? markedNow().filter((x) => x !== e.r.id) : [...markedNow(), e.r.id],
        );
      else if (input === 'c') {
        if (markedNow().length >= 2) p.onCompare(markedNow());
        else ui.say('mark two or more results with Space, then press c');
      }
    },
    { isActive: p.active },
  );
  const live = p.run ? livePanel(p.run, p.width) : [];
  const listHeight = Math.max(1, p.height - live.length - 3);
  const widths = [10, 20, 28, 7, Math.max(4, p.width - 70)];
  const { start, shown } = windowAround(entries, selected, listHeight);
  return (
    <Box flexDirection="column">
      {p.error ? <Text color={c('red')}>{p.error}</Text> : null}
      {live.map((l, i) => (
        <Text key={i} wrap="truncate" color={i === 0 && p.run?.state === 'failed' ? c('red') : undefined}>
          {l}
        </Text>
      ))}
      {url.text !== undefined ? <Prompt label="URL to load: " text={url.text} /> : null}
      {p.comparison ? (
        <ComparisonTable comparison={p.comparison} width={p.width} height={listHeight} />
      ) : (
        <>
          <Text bold wrap="truncate">
            {' '}
            {row(['', 'NAME', 'TARGET / FIGURES', '', 'STARTED'], widths)}
          </Text>
          {entries.length === 0 && p.profiles ? <Text>no profiles or results yet: n runs a URL</Text> : null}
          {shown.map((e, i) => (
            <Line
              key={e.kind === 'profile' ? `p${e.p.id}` : `r${e.r.id}`}
              selected={start + i === selected && p.active}
            >
              {entryLine(e, e.kind === 'result' && marked.includes(e.r.id), widths)}
            </Line>
          ))}
        </>
      )}
    </Box>
  );
}

function ComparisonTable({
  comparison,
  width,
  height,
}: {
  comparison: Comparison;
  width: number;
  height: number;
}): ReactNode {
  const n = comparison.results.length;
  const cell = Math.max(10, Math.floor((width - 14) / n));
  const widths = [13, ...comparison.results.map(() => cell)];
  const lines = [
    row(['metric', ...comparison.results.map((r) => `${r.id.slice(0, 8)} ${r.name}`)], widths),
    ...comparison.metrics.map((m) => row([m.metric, ...m.cells], widths)),
  ];
  return (
    <Box flexDirection="column">
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} bold={i === 0} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text>Esc: back to the list</Text>
    </Box>
  );
}
