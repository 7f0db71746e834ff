// Contexts: every context meshdeck knows, the active one's cluster, provider and signed-in user; Enter
// looks at another context (for this dashboard only: `meshdeck context use` changes the default).
import { Box, Text, useInput } from 'ink';
import type { ReactNode } from 'react';
import type { ContextInfo, Identity } from '../base/sources.js';
import { row, windowAround } from '../base/text.js';
import { Line, useColor, useCursor } from '../base/ui.js';

export interface ContextsProps {
  contexts?: ContextInfo[];
  identity?: Identity;
  error?: string;
  height: number;
  width: number;
  active: boolean;
  onPick: (name: string) => void;
}

export const CONTEXTS_KEYS = 'Up/Down select | Enter look at this context';

export function ContextsView(p: ContextsProps): ReactNode {
  const c = useColor();
  const items = p.contexts ?? [];
  const cursor = useCursor(
    items.length,
    Math.max(
      0,
      items.findIndex((x) => x.active),
    ),
  );
  const selected = cursor.index;
  useInput(
    (_input, key) => {
      if (key.upArrow) cursor.move(-1);
      else if (key.downArrow) cursor.move(1);
      else if (key.return && items[cursor.now()]) p.onPick(items[cursor.now()].name);
    },
    { isActive: p.active },
  );
  const who = p.identity;
  const widths = [2, 16, 28, 12, Math.max(4, p.width - 63)];
  const { start, shown } = windowAround(items, selected, Math.max(1, p.height - 4));
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {who
          ? `context ${who.context} | cluster ${who.cluster} | provider ${who.provider} | user ${who.user ?? 'not signed in'}`
          : 'reading the context…'}
      </Text>
      {p.error ? <Text color={c('red')}>{p.error}</Text> : null}
      <Text bold wrap="truncate">
        {' '}
        {row(['', 'NAME', 'CLUSTER', 'NAMESPACE', 'PROVIDER'], widths)}
      </Text>
      {shown.map((x, i) => (
        <Line key={x.name} selected={start + i === selected && p.active}>
          {row([x.active ? '*' : '', x.name, x.cluster, x.namespace, x.provider], widths)}
        </Line>
      ))}
      {p.contexts === undefined && !p.error ? <Text>loading…</Text> : null}
    </Box>
  );
}
