// No two folders under src/ import each other, at any depth: a pair that does is one module cut in two,
// and the layering of docs/development.md stops meaning anything. Run by `npm run lint`; exits 1 naming
// each pair with one import each way.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sources(p));
    else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** Every import between files of `srcDir` (tests left out: they may reach across). */
function importsOf(srcDir) {
  const edges = [];
  for (const file of sources(srcDir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      edges.push({ from: file, to: path.normalize(path.join(path.dirname(file), m[1])) });
    }
  }
  return edges;
}

/** The folder of `file`, cut to `depth` path segments below the root. */
function folderAt(file, root, depth) {
  const parts = path.relative(root, path.dirname(file)).split(path.sep).filter(Boolean);
  return parts.slice(0, depth).join('/') || '.';
}

/** Pairs of folders that import each other: [{ a, b, aToB, bToA }] with one example import each way. */
export function folderCycles(srcDir) {
  const root = path.dirname(srcDir);
  const edges = importsOf(srcDir);
  const maxDepth = Math.max(...edges.map((e) => folderAt(e.from, root, 99).split('/').length));
  const found = new Map();
  for (let depth = 1; depth <= maxDepth; depth++) {
    const byPair = new Map();
    for (const e of edges) {
      const a = folderAt(e.from, root, depth);
      const b = folderAt(e.to, root, depth);
      if (a !== b && !byPair.has(`${a} ${b}`)) byPair.set(`${a} ${b}`, e);
    }
    for (const [key, e] of byPair) {
      const [a, b] = key.split(' ');
      const back = byPair.get(`${b} ${a}`);
      if (a < b && back && !found.has(key)) {
        const rel = (f) => path.relative(root, f);
        found.set(key, {
          a,
          b,
          aToB: `${rel(e.from)} -> ${rel(e.to)}`,
          bToA: `${rel(back.from)} -> ${rel(back.to)}`,
        });
      }
    }
  }
  return [...found.values()];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const src = path.resolve(process.argv[2] ?? 'src');
  const cycles = folderCycles(src);
  for (const c of cycles) {
    console.error(`error: ${c.a} and ${c.b} import each other\n  ${c.aToB}\n  ${c.bToA}`);
  }
  if (cycles.length > 0) {
    console.error(`hint: move what both need into a lower folder that neither of them owns`);
    process.exit(1);
  }
}
