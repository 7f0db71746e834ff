// Builds the shipped CLI in two parts, so that cold start never pays for what a command does not use:
//
// - dist/bundle/meshdeck.cjs, the runtime: everything src/main.ts reaches through static imports
//   (commander, the command definitions, core). CommonJS, loaded with require(): no ES module loader and
//   no thread-pool file reads at start-up, which is what makes `meshdeck --help` close to `node -e 0`.
// - dist/bundle/lazy/*.mjs: every module the runtime reaches only through import() (command actions,
//   the YAML parser, the Kubernetes client, ink ...), split by esbuild into ES module chunks. When they
//   import a runtime module they get the runtime's own instance (import from ../meshdeck.cjs), so classes
//   and module state exist once.
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const pkg = JSON.parse(await readFile(`${root}/package.json`, 'utf8'));
const outdir = `${root}/dist/bundle`;
const stubs = `${root}/dist/bundle-stubs`;
const entry = `${root}/src/main.ts`;

await rm(outdir, { recursive: true, force: true });
await mkdir(stubs, { recursive: true });
// ink imports react-devtools-core only when DEV=true; a stub keeps it out of the bundle.
await writeFile(
  `${stubs}/react-devtools-core.mjs`,
  'export default { initialize() {}, connectToDevTools() {} };\n',
);

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'linked',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  // React, its reconciler and scheduler in their production builds (the development ones check and warn
  // on every render, at several times the CPU).
  define: { __MESHDECK_VERSION__: JSON.stringify(pkg.version), 'process.env.NODE_ENV': '"production"' },
  // Native and WASM-carrying packages stay in node_modules: they load files relative to themselves.
  external: ['@napi-rs/keyring', '@electric-sql/pglite', 'pg-native'],
  alias: { 'react-devtools-core': `${stubs}/react-devtools-core.mjs` },
};

// commander loads node:child_process only to run git-style executable subcommands, which meshdeck never
// uses; loading it costs every start-up the child_process, net and dgram internals.
const commanderWithoutSubprocess = {
  name: 'commander-without-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child-process', namespace: 'stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        'module.exports = { spawn() { throw new Error("executable subcommands are not supported"); } };',
      loader: 'js',
    }));
  },
};

const isSource = (path) => path.startsWith(`${root}/src/`);

// 1. Which modules make up the runtime, and which modules it imports lazily.
const lazyEntries = new Set();
const analysis = await build({
  ...common,
  entryPoints: [entry],
  format: 'esm',
  write: false,
  outdir: `${outdir}/analysis`,
  plugins: [
    commanderWithoutSubprocess,
    {
      name: 'collect-lazy',
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.kind !== 'dynamic-import' || args.pluginData?.inner) return undefined;
          const resolved = await b.resolve(args.path, {
            resolveDir: args.resolveDir,
            kind: args.kind,
            pluginData: { inner: true },
          });
          if (resolved.errors.length > 0 || !isSource(resolved.path)) {
            throw new Error(`${args.importer}: import('${args.path}') must name a module under src/`);
          }
          lazyEntries.add(resolved.path);
          return { path: resolved.path, external: true };
        });
      },
    },
  ],
});
// Heavy packages never load at start-up: only through import() of a module that needs them.
const heavy = [
  'yaml',
  '@kubernetes/client-node',
  'ink',
  'react',
  'autocannon',
  'undici',
  'execa',
  'pg',
  '@electric-sql/pglite',
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  'protobufjs',
];
const heavyInRuntime = Object.keys(analysis.metafile.inputs).filter((p) =>
  heavy.some((h) => p.startsWith(`node_modules/${h}/`)),
);
if (heavyInRuntime.length > 0) {
  const packages = [
    ...new Set(
      heavyInRuntime.map((p) =>
        p
          .split('/')
          .slice(1, p.startsWith('node_modules/@') ? 3 : 2)
          .join('/'),
      ),
    ),
  ];
  process.stderr.write(
    `bundle: ${packages.join(', ')} would load at every start-up; reach it through import() from the command that needs it\n`,
  );
  process.exit(1);
}
const runtimeModules = new Set(
  Object.keys(analysis.metafile.inputs)
    .map((p) => resolve(root, p))
    .filter(isSource),
);

// Worker thread scripts are started by URL (new Worker(new URL(...))), not reached by import(), so step 1
// cannot find them. They are built with the lazy chunks under a stable name, next to the code that starts
// them (src/perf/engine/native.ts looks for ./perf-worker.mjs when bundled).
const workerEntries = [{ in: `${root}/src/perf/engine/worker-main.ts`, out: 'perf-worker' }];

// 2. The lazy ES module chunks. Imports of runtime modules go to the runtime itself.
const lazy = await build({
  ...common,
  entryPoints: [...lazyEntries, ...workerEntries],
  format: 'esm',
  splitting: true,
  outdir: `${outdir}/lazy`,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  // CommonJS dependencies call require() through esbuild's __require; it needs a `require` in scope.
  banner: {
    js: 'import { createRequire as __mdRequire } from "node:module"; const require = __mdRequire(import.meta.url);',
  },
  plugins: [
    commanderWithoutSubprocess,
    {
      name: 'runtime-modules-from-runtime',
      setup(b) {
        b.onResolve({ filter: /^\./ }, async (args) => {
          if (args.pluginData?.inner || !isSource(args.importer)) return undefined;
          const resolved = await b.resolve(args.path, {
            resolveDir: args.resolveDir,
            kind: args.kind,
            pluginData: { inner: true },
          });
          if (!runtimeModules.has(resolved.path)) return undefined;
          return { path: '../meshdeck.cjs', external: true };
        });
      },
    },
  ],
});
const lazyOutputByEntry = new Map();
for (const [file, output] of Object.entries(lazy.metafile.outputs)) {
  if (output.entryPoint) lazyOutputByEntry.set(resolve(root, output.entryPoint), resolve(root, file));
}
// Chunk names carry a hash; each worker script also gets its stable name, as a one-line module.
for (const w of workerEntries) {
  const built = lazyOutputByEntry.get(w.in);
  if (!built) throw new Error(`bundle: no output for worker ${w.in}`);
  await writeFile(
    `${outdir}/lazy/${w.out}.mjs`,
    `import ${JSON.stringify(`./${relative(`${outdir}/lazy`, built)}`)};\n`,
  );
}

// 3. The runtime: every runtime module's exports, for the lazy chunks to import; import() of a lazy
// module points at its chunk.
const runtimeEntry = [...runtimeModules].map((m) => `export * from ${JSON.stringify(m)};`).join('\n');
const runtime = await build({
  ...common,
  stdin: { contents: runtimeEntry, resolveDir: root, loader: 'ts', sourcefile: 'meshdeck-runtime.ts' },
  format: 'cjs',
  outfile: `${outdir}/meshdeck.cjs`,
  define: { ...common.define, 'import.meta.url': '__meshdeckModuleUrl' },
  banner: { js: 'const __meshdeckModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  plugins: [
    commanderWithoutSubprocess,
    {
      name: 'lazy-modules-from-chunks',
      setup(b) {
        b.onResolve({ filter: /.*/ }, async (args) => {
          if (args.kind !== 'dynamic-import' || args.pluginData?.inner) return undefined;
          const resolved = await b.resolve(args.path, {
            resolveDir: args.resolveDir,
            kind: args.kind,
            pluginData: { inner: true },
          });
          const chunk = lazyOutputByEntry.get(resolved.path);
          if (!chunk) throw new Error(`no lazy chunk for ${resolved.path}`);
          return { path: `./${relative(outdir, chunk)}`, external: true };
        });
      },
    },
  ],
});

// Every name a lazy chunk imports from the runtime must be exported by it, exactly once: two runtime
// modules exporting the same name would make `export *` drop it. Node finds a CommonJS module's names
// through esbuild's `0&&(module.exports={...})` annotation; check against the same list.
const runtimeCode = await readFile(`${outdir}/meshdeck.cjs`, 'utf8');
const annotation = runtimeCode.match(/0&&\(module\.exports=\{([^}]*)\}\)/);
if (!annotation) throw new Error('bundle: the runtime has no export annotation for Node to read');
const runtimeExports = new Set(annotation[1].split(',').map((n) => n.trim()));
const problems = [];
for (const file of Object.keys(lazy.metafile.outputs).filter((f) => f.endsWith('.mjs'))) {
  const code = await readFile(resolve(root, file), 'utf8');
  for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"\.\.\/meshdeck\.cjs"/g)) {
    for (const spec of m[1].split(',')) {
      const name = spec.trim().split(/\s+as\s+/)[0];
      if (name && !runtimeExports.has(name))
        problems.push(
          `${file} imports "${name}", which the runtime does not export (two runtime modules may export that name)`,
        );
    }
  }
}
if (problems.length > 0) {
  process.stderr.write(`bundle: ${problems.join('\n')}\n`);
  process.exit(1);
}

await writeFile(`${outdir}/meta.json`, JSON.stringify({ runtime: runtime.metafile, lazy: lazy.metafile }));
const runtimeBytes = runtime.metafile.outputs[relative(root, `${outdir}/meshdeck.cjs`)].bytes;
process.stdout.write(
  `bundle: runtime ${(runtimeBytes / 1024).toFixed(0)} KiB (${runtimeModules.size} modules), ${lazyOutputByEntry.size} lazy entries\n`,
);
