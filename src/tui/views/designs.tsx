// Designs: the library the provider keeps; `d` diffs the selected design against the cluster, `a` applies
// it after a y/n confirmation naming the cluster.
import { Box, Text, useInput } from 'ink';
import { useState, type ReactNode } from 'react';
import type { ObjectResult } from '../../k8s/apply/apply.js';
import type { DiffEntry } from '../../k8s/apply/diff.js';
import type { DesignEntry } from '../../provider/client/sync/designs.js';
import { row, windowAround } from '../base/text.js';
import { Line, useColor, useCursor, useKeyState, useUi } from '../base/ui.js';

export type DesignWork =
  | { kind: 'diff'; name: string; entries?: DiffEntry[]; error?: string }
  | { kind: 'apply'; name: string; results?: ObjectResult[]; error?: string };

export interface DesignsProps {
  designs?: DesignEntry[];
  error?: string;
  /** The diff or apply shown under the list. */
  work?: DesignWork;
  /** Where an apply goes, for the confirmation. */
  cluster: string;
  height: number;
  width: number;
  active: boolean;
  onDiff: (name: string) => void;
  onApply: (name: string) => void;
}

export const DESIGNS_KEYS =
  'Up/Down select | d diff against the cluster | a apply (asks first) | PgUp/PgDn scroll';

export function workLines(work: DesignWork): string[] {
  if (work.error) return [`${work.kind} of "${work.name}" failed: ${work.error}`];
  if (work.kind === 'diff') {
    if (!work.entries) return [`diffing "${work.name}" against the cluster…`];
    const changed = work.entries.filter((e) => e.change !== 'none');
    const head =
      changed.length === 0
        ? `design "${work.name}": no drift (${work.entries.length} objects match the cluster)`
        : `design "${work.name}": ${changed.length} of ${work.entries.length} objects differ`;
    return [
      head,
      ...changed.flatMap((e) => [
        `${e.change} ${e.what}${e.note ? ` (${e.note})` : ''}`,
        ...e.diff.split('\n').filter((l) => l !== ''),
      ]),
    ];
  }
  if (!work.results) return [`applying "${work.name}"…`];
  return [
    `design "${work.name}" applied:`,
    ...work.results.map((r) => `${r.action} ${r.what}${r.message ? `: ${r.message}` : ''}`),
  ];
}

export function DesignsView(p: DesignsProps): ReactNode {
  const c = useColor();
  const ui = useUi();
  const items = p.designs ?? [];
  const cursor = useCursor(items.length);
  const selected = cursor.index;
  const [confirm, setConfirm, confirmNow] = useKeyState<string | undefined>(undefined);
  const [scroll, setScroll] = useState(0);
  useInput(
    (input, key) => {
      const name = items[cursor.now()]?.name;
      const asked = confirmNow();
      if (asked) {
        if (input === 'y') p.onApply(asked);
        else ui.say(`apply of "${asked}" cancelled`);
        setConfirm(undefined);
        return;
      }
      if (key.upArrow) cursor.move(-1);
      else if (key.downArrow) cursor.move(1);
      else if (key.pageDown) setScroll((s) => s + 5);
      else if (key.pageUp) setScroll((s) => Math.max(0, s - 5));
      else if (input === 'd' && name) {
        setScroll(0);
        p.onDiff(name);
      } else if (input === 'a' && name) setConfirm(name);
    },
    { isActive: p.active },
  );
  const listHeight = Math.max(1, Math.min(items.length, Math.floor((p.height - 3) / 2)));
  const widths = [24, 10, 8, 9, Math.max(8, p.width - 56)];
  const { start, shown } = windowAround(items, selected, listHeight);
  const lines = p.work ? workLines(p.work) : [];
  return (
    <Box flexDirection="column">
      {p.error ? <Text color={c('red')}>{p.error}</Text> : null}
      {p.designs === undefined && !p.error ? <Text>reading the design library…</Text> : null}
      {p.designs?.length === 0 ? (
        <Text>the library has no designs: meshdeck design import adds one</Text>
      ) : null}
      <Text bold wrap="truncate">
        {' '}
        {row(['NAME', 'VERSION', 'OBJECTS', 'REVISION', 'UPDATED'], widths)}
      </Text>
      {shown.map((d, i) => (
        <Line key={d.name} selected={start + i === selected && p.active}>
          {row(
            [
              d.name,
              d.design.metadata?.version ?? '',
              String(d.design.spec?.objects?.length ?? 0),
              d.pending ? 'queued' : String(d.revision),
              d.updatedAt.replace(/\.\d+Z$/, 'Z'),
            ],
            widths,
          )}
        </Line>
      ))}
      {confirm ? (
        <Text color={c('yellow')} wrap="truncate">
          apply design &quot;{confirm}&quot; to {p.cluster}? y to apply, any other key to cancel
        </Text>
      ) : null}
      {lines.slice(scroll, scroll + Math.max(1, p.height - listHeight - 3)).map((l, i) => (
        <Text
          key={i}
          wrap="truncate"
          color={l.startsWith('+') ? c('green') : l.startsWith('-') ? c('red') : undefined}
        >
          {l}
        </Text>
      ))}
    </Box>
  );
}
