// Health: the categories and checks of `meshdeck check`, each [+] [-] [i] (or [~] skipped), with the
// hint under every failure; `r` runs them again.
import { Box, Text, useInput } from 'ink';
import { useState, type ReactNode } from 'react';
import type { CheckReport } from '../../checks/framework.js';
import { windowAround } from '../base/text.js';
import { Mark, useColor } from '../base/ui.js';

export interface HealthProps {
  report?: CheckReport;
  running: boolean;
  error?: string;
  height: number;
  active: boolean;
  onRerun: () => void;
}

export const HEALTH_KEYS = 'r run again | Up/Down scroll';

type Item =
  | { kind: 'category'; text: string }
  | { kind: 'check'; outcome: string; text: string }
  | { kind: 'hint'; text: string };

export function healthItems(report: CheckReport): Item[] {
  const items: Item[] = [];
  for (const category of report.categories) {
    items.push({ kind: 'category', text: category.id });
    for (const r of category.results) {
      items.push({ kind: 'check', outcome: r.outcome, text: `${r.description}: ${r.message}` });
      if (r.outcome === 'failed') items.push({ kind: 'hint', text: `hint: ${r.hint} (${r.docs})` });
    }
  }
  return items;
}

export function HealthView(p: HealthProps): ReactNode {
  const c = useColor();
  const [top, setTop] = useState(0);
  const items = p.report ? healthItems(p.report) : [];
  useInput(
    (input, key) => {
      if (input === 'r' && !p.running) p.onRerun();
      else if (key.upArrow) setTop((t) => Math.max(0, t - 1));
      else if (key.downArrow) setTop((t) => Math.min(Math.max(0, items.length - 1), t + 1));
    },
    { isActive: p.active },
  );
  const counts = p.report?.counts;
  const { shown } = windowAround(items, top, Math.max(1, p.height - 2));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {p.running
          ? 'running the checks…'
          : counts
            ? `${counts.passed} passed | ${counts.failed} failed | ${counts.info} info | ${counts.skipped} skipped | ${p.report!.success ? 'healthy' : 'problems found'} (${p.report!.finishedAt})`
            : ''}
      </Text>
      {p.error ? <Text color={c('red')}>{p.error}</Text> : null}
      {shown.map((item, i) =>
        item.kind === 'category' ? (
          <Text key={i} bold wrap="truncate">
            {item.text}
          </Text>
        ) : item.kind === 'check' ? (
          <Text key={i} wrap="truncate">
            <Mark outcome={item.outcome} /> {item.text}
          </Text>
        ) : (
          <Text key={i} color={c('yellow')} wrap="truncate">
            {'    '}
            {item.text}
          </Text>
        ),
      )}
    </Box>
  );
}
