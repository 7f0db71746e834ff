// Where output goes and how it looks: data on stdout only, colour only on a terminal, never with NO_COLOR,
// --no-color or --quiet. A real pseudo-terminal comes from util-linux `script`.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BIN, TestHome, runProcess } from '../helpers/cli.js';

const home = new TestHome();
after(() => home.cleanup());

const ESC = '\u001b[';

/** Runs meshdeck with stdin/stdout/stderr on a pseudo-terminal; returns what the terminal showed. */
async function onTerminal(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return runProcess('script', ['-qec', command, '/dev/null'], {
    env: { ...home.env, TERM: 'xterm', ...env },
  });
}

describe('output streams and colour', () => {
  it('colours errors on a terminal', async () => {
    const r = await onTerminal(['context', 'use', 'nope']);
    assert.ok(r.stdout.includes(`${ESC}31merror:${ESC}39m`), JSON.stringify(r.stdout));
  });

  it('never colours with NO_COLOR, --no-color or --quiet, even on a terminal', async () => {
    for (const [args, env] of [
      [['context', 'use', 'nope'], { NO_COLOR: '1' }],
      [['context', 'use', 'nope', '--no-color'], {}],
      [['context', 'use', 'nope', '--quiet'], {}],
    ] as const) {
      const r = await onTerminal([...args], env);
      assert.match(r.stdout, /error: context "nope" not found/);
      assert.ok(!r.stdout.includes(ESC), `${args.join(' ')} ${JSON.stringify(env)}`);
    }
  });

  it('never colours when writing to a pipe', async () => {
    const r = await home.run(['context', 'use', 'nope'], { env: { TERM: 'xterm' } });
    assert.ok(!r.stderr.includes(ESC));
  });

  it('keeps stdout for data: messages and warnings go to stderr', async () => {
    const created = await home.run(['context', 'create', 'one']);
    assert.equal(created.stdout, '');
    assert.match(created.stderr, /created/);
    const quiet = await home.run(['context', 'create', 'two', '--quiet']);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
  });

  it('stops quietly when the reader of stdout goes away', async () => {
    const r = await runProcess(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" context list -o yaml | head -c 1`],
      {
        env: home.env,
      },
    );
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });
});
