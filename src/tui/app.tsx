// The dashboard: six views over one context, switched with Tab/Shift-Tab or their digit, `?` for help,
// q or Ctrl-C to leave. Each pane loads its data when first opened; the cluster is watched from the
// start, and its updates reach the screen at most ten times a second.
import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Snapshot } from '../k8s/snapshot/model.js';
import { errorText, useLoad, useTerminalSize, useThrottledState } from './hooks.js';
import type { Comparison, DashboardSources, OpenSources, PerfRunHandle, PerfTarget } from './base/sources.js';
import { UiContext, useColor, type Ui } from './base/ui.js';
import { CLUSTER_KEYS, ClusterView } from './views/cluster.js';
import { CONTEXTS_KEYS, ContextsView } from './views/contexts.js';
import { DESIGNS_KEYS, DesignsView, type DesignWork } from './views/designs.js';
import { HEALTH_KEYS, HealthView } from './views/health.js';
import { MESHES_KEYS, MeshesView } from './views/meshes.js';
import { PERF_KEYS, PerfView, type LiveRun } from './views/perf.js';

export const VIEWS = ['Contexts', 'Cluster', 'Meshes', 'Health', 'Perf', 'Designs'] as const;
export type ViewName = (typeof VIEWS)[number];
const KEYS: Record<ViewName, string> = {
  Contexts: CONTEXTS_KEYS,
  Cluster: CLUSTER_KEYS,
  Meshes: MESHES_KEYS,
  Health: HEALTH_KEYS,
  Perf: PERF_KEYS,
  Designs: DESIGNS_KEYS,
};
/** The rows the frame itself takes: tabs, status line, footer. */
const CHROME_ROWS = 3;

export interface AppProps {
  open: OpenSources;
  color: boolean;
  /** The context given with --context, if any. */
  context?: string;
  initialView?: ViewName;
}

export function App({ open, color, context: initial, initialView = 'Cluster' }: AppProps): ReactNode {
  const [context, setContext] = useState(initial);
  const sources = useMemo(() => open(context), [open, context]);
  useEffect(() => () => sources.close(), [sources]);
  return (
    <Dashboard
      key={context ?? ''}
      sources={sources}
      color={color}
      initialView={context === initial ? initialView : 'Contexts'}
      onPickContext={setContext}
    />
  );
}

interface DashboardProps {
  sources: DashboardSources;
  color: boolean;
  initialView: ViewName;
  onPickContext: (name: string) => void;
}

function Dashboard({ sources, color, initialView, onPickContext }: DashboardProps): ReactNode {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [view, setView] = useState<ViewName>(initialView);
  const [help, setHelp] = useState(false);
  const [typing, setTyping] = useState(false);
  const [status, setStatus] = useState('');
  const typingNow = useRef(false);
  const ui: Ui = useMemo(
    () => ({
      color,
      typing,
      setTyping: (on: boolean) => {
        typingNow.current = on;
        setTyping(on);
      },
      say: setStatus,
    }),
    [color, typing],
  );
  useEffect(() => sources.onMessage(setStatus), [sources]);

  // A snapshot already in (listed while ink loaded) is drawn by the very first render: set from the feed's
  // effect instead, it would wait for ink's next frame, 100 ms later at 10 frames a second.
  const [snapshot, setSnapshot] = useThrottledState<Snapshot>(100, () => sources.latestSnapshot?.());
  const [trouble, setTrouble] = useState<string>();
  useEffect(() => {
    const feed = sources.watchCluster({
      snapshot: (s) => {
        setTrouble(undefined);
        setSnapshot(s);
      },
      trouble: setTrouble,
    });
    return () => feed.stop();
  }, [sources, setSnapshot]);

  // Keys that arrive in one read are handled before React renders again: updates are functional, and
  // whether a view is reading text is known at once through a ref.
  useInput(
    (input, key) => {
      if (typingNow.current) return;
      const step = (by: number) =>
        setView((v) => VIEWS[(VIEWS.indexOf(v) + by + VIEWS.length) % VIEWS.length]);
      if (key.tab) step(key.shift ? -1 : 1);
      else if (/^[1-6]$/.test(input)) setView(VIEWS[Number(input) - 1]);
      else if (input === '?') setHelp((h) => !h);
      else if (key.escape) setHelp(false);
      else if (input === 'q') exit();
    },
    { isActive: !typing },
  );

  const body = Math.max(4, rows - CHROME_ROWS);
  return (
    <UiContext.Provider value={ui}>
      <Box flexDirection="column" width={columns} height={rows}>
        <Tabs view={view} />
        <Box flexDirection="column" height={body} overflow="hidden">
          {help ? <Help /> : null}
          <Box flexDirection="column" display={help ? 'none' : 'flex'}>
            <Panes
              view={view}
              active={!help}
              sources={sources}
              snapshot={snapshot}
              trouble={trouble}
              height={body}
              width={columns}
              onPickContext={onPickContext}
            />
          </Box>
        </Box>
        <Text wrap="truncate">{status}</Text>
        <Footer view={view} />
      </Box>
    </UiContext.Provider>
  );
}

function Tabs({ view }: { view: ViewName }): ReactNode {
  const c = useColor();
  return (
    <Box>
      <Text bold>meshdeck </Text>
      {VIEWS.map((v, i) => (
        <Text key={v} inverse={v === view} color={v === view ? c('cyan') : undefined}>
          {v === view ? `[${i + 1} ${v}]` : ` ${i + 1} ${v} `}
        </Text>
      ))}
    </Box>
  );
}

function Footer({ view }: { view: ViewName }): ReactNode {
  const c = useColor();
  return (
    <Text color={c('gray')} wrap="truncate">
      {KEYS[view]} | Tab/Shift-Tab/1-6 views | ? help | q quit
    </Text>
  );
}

function Help(): ReactNode {
  return (
    <Box flexDirection="column">
      <Text bold>keys</Text>
      <Text>Tab / Shift-Tab next / previous view | 1-6 jump to a view | ? this help (Esc closes)</Text>
      <Text>q or Ctrl-C leave the dashboard</Text>
      {VIEWS.map((v, i) => (
        <Text key={v} wrap="truncate">
          {i + 1} {v.padEnd(9)} {KEYS[v]}
        </Text>
      ))}
    </Box>
  );
}

interface PanesProps {
  view: ViewName;
  /** False while the help covers the view: its keys are off. */
  active: boolean;
  sources: DashboardSources;
  snapshot?: Snapshot;
  trouble?: string;
  height: number;
  width: number;
  onPickContext: (name: string) => void;
}

/** Every view's data: loaded on first opening, kept while the dashboard looks at this context. */
function Panes(p: PanesProps): ReactNode {
  const { sources, view } = p;
  const seen = useRef(new Set<ViewName>());
  seen.current.add(view);
  const was = (v: ViewName) => seen.current.has(v);
  const contexts = useLoad(() => sources.contexts(), was('Contexts'));
  // Who is signed in (a call to a remote provider) is needed by these two views only, not the first frame.
  const identity = useLoad(() => sources.identity(), was('Contexts') || was('Designs'));
  const meshes = useLoad(() => sources.meshStatus(), was('Meshes'));
  const health = useLoad(() => sources.runChecks(), was('Health'));
  const profiles = useLoad(() => sources.perfProfiles(), was('Perf'));
  const results = useLoad(() => sources.perfResults(), was('Perf'));
  const designs = useLoad(() => sources.designs(), was('Designs'));
  const perf = usePerfRun(sources, results.reload);
  const [comparison, setComparison] = useState<Comparison>();
  const [work, setWork] = useState<DesignWork>();
  const [filter, setFilter] = useState('');
  const common = { height: p.height, width: p.width, active: p.active };

  switch (view) {
    case 'Contexts':
      return (
        <ContextsView
          {...common}
          contexts={contexts.value}
          identity={identity.value}
          error={contexts.error ?? identity.error}
          onPick={p.onPickContext}
        />
      );
    case 'Cluster':
      return (
        <ClusterView
          {...common}
          snapshot={p.snapshot}
          trouble={p.trouble}
          filter={filter}
          onFilter={setFilter}
        />
      );
    case 'Meshes':
      return (
        <MeshesWithRefresh
          {...common}
          report={meshes.value}
          snapshot={p.snapshot}
          error={meshes.error}
          reload={meshes.reload}
        />
      );
    case 'Health':
      return (
        <HealthView
          {...common}
          report={health.value}
          running={health.loading}
          error={health.error}
          onRerun={health.reload}
        />
      );
    case 'Perf':
      return (
        <PerfView
          {...common}
          profiles={profiles.value}
          results={results.value}
          error={profiles.error ?? results.error}
          run={perf.run}
          comparison={comparison}
          onStart={perf.start}
          onStop={perf.stop}
          onCompare={(ids) =>
            void sources
              .compare(ids)
              .then(setComparison, (err: unknown) => perf.fail(`compare failed: ${errorText(err)}`))
          }
          onCloseComparison={() => setComparison(undefined)}
        />
      );
    case 'Designs':
      return (
        <DesignsView
          {...common}
          designs={designs.value}
          error={designs.error}
          work={work}
          cluster={
            identity.value ? `${identity.value.cluster} (context ${identity.value.context})` : 'the cluster'
          }
          onDiff={(name) => {
            setWork({ kind: 'diff', name });
            sources.diffDesign(name).then(
              (entries) => setWork({ kind: 'diff', name, entries }),
              (err: unknown) => setWork({ kind: 'diff', name, error: errorText(err) }),
            );
          }}
          onApply={(name) => {
            setWork({ kind: 'apply', name });
            sources.applyDesign(name).then(
              (results) => setWork({ kind: 'apply', name, results }),
              (err: unknown) => setWork({ kind: 'apply', name, error: errorText(err) }),
            );
          }}
        />
      );
  }
}

function MeshesWithRefresh(
  p: Parameters<typeof MeshesView>[0] & { active: boolean; reload: () => void },
): ReactNode {
  useInput(
    (input) => {
      if (input === 'r') p.reload();
    },
    { isActive: p.active },
  );
  return <MeshesView {...p} />;
}

/** The perf run of this dashboard: one at a time, its progress kept while other views are shown. */
function usePerfRun(sources: DashboardSources, onStored: () => void) {
  const [run, setRun] = useState<LiveRun>();
  const handle = useRef<PerfRunHandle>(undefined);
  useEffect(() => () => handle.current?.stop(), []);
  const start = (target: PerfTarget) => {
    const label = 'profile' in target ? `profile ${target.profile}` : target.url;
    setRun({ label, samples: [], state: 'running' });
    let h: PerfRunHandle;
    try {
      h = sources.startPerf(target, (progress) =>
        setRun((r) => r && { ...r, samples: [...r.samples.slice(-599), progress] }),
      );
    } catch (err) {
      setRun({ label, samples: [], state: 'failed', message: errorText(err) });
      return;
    }
    handle.current = h;
    h.result.then(
      ({ result, stored, storeError }) => {
        const partial = result.interrupted ? ', partial: stopped early' : '';
        const where = stored ? `stored` : `not stored (${storeError ?? 'no store'})`;
        setRun(
          (r) => r && { ...r, state: 'done', message: `result ${result.id.slice(0, 8)} ${where}${partial}` },
        );
        handle.current = undefined;
        onStored();
      },
      (err: unknown) => {
        setRun((r) => r && { ...r, state: 'failed', message: errorText(err) });
        handle.current = undefined;
      },
    );
  };
  const stop = () => {
    handle.current?.stop();
    setRun((r) => r && { ...r, state: 'stopping' });
  };
  const fail = (message: string) =>
    setRun((r) => ({ label: r?.label ?? 'perf', samples: r?.samples ?? [], state: 'failed', message }));
  return { run, start, stop, fail };
}
