#!/usr/bin/env node
'use strict';
// Thin launcher: everything lives in the bundle built by `npm run build`. CommonJS on purpose: starting
// without the ES module loader keeps cold start fast (see scripts/bundle.mjs).
let runtime;
try {
  runtime = require('../dist/bundle/meshdeck.cjs');
} catch (err) {
  const missing = err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('meshdeck.cjs');
  process.stderr.write(
    missing
      ? 'error: meshdeck is not built\nhint: run "npm run build" in the meshdeck folder\n'
      : `error: meshdeck failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
}
runtime.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
