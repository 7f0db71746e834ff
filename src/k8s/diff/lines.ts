// A line diff (Myers' O(ND) algorithm) and its unified rendering with context, for `design diff`.

export type Edit = { op: ' ' | '-' | '+'; line: string };

/** The shortest edit script turning `a` into `b`. */
export function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  // Common head and tail are cheap to take off, and most object diffs are a few changed lines.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middle = myers(a.slice(start, endA), b.slice(start, endB));
  return [
    ...a.slice(0, start).map((line) => ({ op: ' ' as const, line })),
    ...middle,
    ...a.slice(endA).map((line) => ({ op: ' ' as const, line })),
  ];
}

function myers(a: readonly string[], b: readonly string[]): Edit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk back through the saved frontiers to recover the path.
  const edits: Edit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const frontier = trace[d];
    const k = x - y;
    const prevK =
      k === -d || (k !== d && frontier[offset + k - 1] < frontier[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = frontier[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      edits.push({ op: ' ', line: a[--x] });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) edits.push({ op: '+', line: b[--y] });
    else edits.push({ op: '-', line: a[--x] });
  }
  while (x > 0 && y > 0) {
    edits.push({ op: ' ', line: a[--x] });
    y--;
  }
  return edits.reverse();
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  edits: Edit[];
}

/** Groups changes with `context` unchanged lines around them, as `diff -u` does. */
export function hunks(edits: readonly Edit[], context = 3): Hunk[] {
  const out: Hunk[] = [];
  const changed = edits.map((e, i) => (e.op === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return out;
  let i = 0;
  while (i < changed.length) {
    const from = Math.max(0, changed[i] - context);
    let to = changed[i];
    while (i + 1 < changed.length && changed[i + 1] - to <= 2 * context) to = changed[++i];
    i++;
    const end = Math.min(edits.length, to + context + 1);
    let oldLine = 1;
    let newLine = 1;
    for (let j = 0; j < from; j++) {
      if (edits[j].op !== '+') oldLine++;
      if (edits[j].op !== '-') newLine++;
    }
    const slice = edits.slice(from, end);
    const oldLines = slice.filter((e) => e.op !== '+').length;
    const newLines = slice.filter((e) => e.op !== '-').length;
    out.push({
      oldStart: oldLines === 0 ? oldLine - 1 : oldLine,
      oldLines,
      newStart: newLines === 0 ? newLine - 1 : newLine,
      newLines,
      edits: slice,
    });
  }
  return out;
}

export interface UnifiedOptions {
  context?: number;
  color?: {
    red(s: string): string;
    green(s: string): string;
    cyan(s: string): string;
    bold(s: string): string;
  };
}

/** `--- old` / `+++ new` headers and hunks; "" when the texts are equal. */
export function unifiedDiff(
  oldName: string,
  newName: string,
  oldText: string,
  newText: string,
  options: UnifiedOptions = {},
): string {
  const split = (t: string) => (t === '' ? [] : t.replace(/\n$/, '').split('\n'));
  const edits = diffLines(split(oldText), split(newText));
  const groups = hunks(edits, options.context ?? 3);
  if (groups.length === 0) return '';
  const c = options.color ?? { red: id, green: id, cyan: id, bold: id };
  const lines = [c.bold(`--- ${oldName}`), c.bold(`+++ ${newName}`)];
  for (const h of groups) {
    lines.push(c.cyan(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`));
    for (const e of h.edits) {
      const text = `${e.op}${e.line}`;
      lines.push(e.op === '-' ? c.red(text) : e.op === '+' ? c.green(text) : text);
    }
  }
  return `${lines.join('\n')}\n`;
}

function id(s: string): string {
  return s;
}
