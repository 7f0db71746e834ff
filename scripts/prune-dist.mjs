// Part of the build: removes compiled files whose TypeScript source is gone. tsc never deletes an output,
// so a renamed or deleted test would otherwise keep running from dist/ under its old name.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
// The folders tsc compiles (tsconfig.json "include"); dist/bundle is esbuild's and is left alone.
const compiled = ['src', 'test', 'bench'];

function prune(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      continue;
    }
    const m = /^(.*)\.js(\.map)?$/.exec(entry.name);
    if (!m) continue;
    const source = join(root, relative(dist, dir), m[1]);
    if (existsSync(`${source}.ts`) || existsSync(`${source}.tsx`)) continue;
    rmSync(path);
    if (!m[2]) console.log(`build: removed ${relative(root, path)} (its source is gone)`);
  }
}

for (const folder of compiled) prune(join(dist, folder));
