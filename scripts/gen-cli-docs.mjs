// npm run docs: regenerates docs/cli.md from the compiled command tree (run `npm run build` first).
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/src/commands/program.js';
import { renderCliReference } from '../dist/src/commands/reference.js';

const file = new URL('../docs/cli.md', import.meta.url);
mkdirSync(new URL('../docs/', import.meta.url), { recursive: true });
writeFileSync(file, renderCliReference(buildProgram()));
process.stdout.write('wrote docs/cli.md\n');
