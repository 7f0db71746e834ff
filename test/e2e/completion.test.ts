// Shell completion, driven through each real shell against the real binary on PATH.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, after, describe, it } from 'node:test';
import { FISH, ZSH, needPrograms } from '../helpers/programs.js';
import { BIN, TestHome, runProcess } from '../helpers/cli.js';

const home = new TestHome();
const binDir = join(home.root, 'bin');
let env: Record<string, string>;

before(async () => {
  mkdirSync(binDir);
  // A `meshdeck` on PATH, as an installed one would be.
  writeFileSync(join(binDir, 'meshdeck'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, {
    mode: 0o755,
  });
  symlinkSync(process.execPath, join(binDir, 'node'));
  env = { ...home.env, PATH: `${binDir}:${process.env.PATH}` };
  await home.run(['context', 'create', 'prod-east']);
  await home.run(['context', 'create', 'prod-west']);
});
after(() => home.cleanup());

async function candidates(...words: string[]): Promise<string[]> {
  const r = await home.run(['__complete', ...words], { env });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t')[0]);
}

describe('meshdeck __complete', () => {
  it('offers subcommands, then flags, then values', async () => {
    assert.deepEqual(await candidates('con'), ['context']);
    assert.deepEqual(await candidates('context', 'r'), ['rename']);
    assert.ok((await candidates('context', 'list', '--ou')).includes('--output'));
    assert.deepEqual(await candidates('context', 'list', '-o', 'y'), ['yaml']);
    assert.deepEqual(await candidates('context', 'use', 'prod-'), ['prod-east', 'prod-west']);
    assert.deepEqual(await candidates('--context', 'prod-w'), ['prod-west']);
    assert.deepEqual(await candidates('--kubeconfig', ''), [':file']);
  });

  it('does not offer hidden commands', async () => {
    assert.ok(!(await candidates('')).includes('__complete'));
  });
});

describe('completion scripts', () => {
  it('bash: completes commands and context names', async () => {
    const script = (await home.run(['completion', 'bash'], { env })).stdout;
    const run = (line: string) =>
      runProcess(
        'bash',
        [
          '-c',
          `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _meshdeck; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { env },
      );
    assert.deepEqual((await run(`meshdeck con`)).stdout.trim().split('\n'), ['context']);
    assert.deepEqual((await run(`meshdeck context use prod-`)).stdout.trim().split('\n').sort(), [
      'prod-east',
      'prod-west',
    ]);
  });

  it('zsh: the script parses and hands the right words to meshdeck', async (t) => {
    if (!needPrograms(t, ZSH)) return;
    const script = (await home.run(['completion', 'zsh'], { env })).stdout;
    const syntax = await runProcess('zsh', ['-n', '-c', script], { env });
    assert.equal(syntax.code, 0, syntax.stderr);
    // compadd is a completion-system builtin; stand in for it to see what the function offers.
    const probe = `${script}\ncompadd() { shift; print -l -- "$@" }\nwords=(meshdeck context use prod-); CURRENT=4; _meshdeck`;
    const r = await runProcess('zsh', ['-f', '-c', probe], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['prod-east', 'prod-west']);
  });

  it('fish: completes through complete -C', async (t) => {
    if (!needPrograms(t, FISH)) return;
    const script = (await home.run(['completion', 'fish'], { env })).stdout;
    const file = join(home.root, 'meshdeck.fish');
    writeFileSync(file, script);
    const r = await runProcess(
      'fish',
      ['--no-config', '-c', `source ${file}; complete -C 'meshdeck context use prod-'`],
      { env },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0])
        .sort(),
      ['prod-east', 'prod-west'],
    );
    const cmds = await runProcess(
      'fish',
      ['--no-config', '-c', `source ${file}; complete -C 'meshdeck con'`],
      { env },
    );
    assert.match(cmds.stdout, /^context\tmanage contexts/m);
  });
});
