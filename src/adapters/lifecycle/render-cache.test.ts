import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderOnce } from './render-cache.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-render-cache-'));
  const installerPath = join(dir, 'istioctl');
  writeFileSync(installerPath, '#!/bin/sh\necho v1\n');
  let runs = 0;
  const render = (text: string) => () => {
    runs++;
    return Promise.resolve(text);
  };
  return { dir, installerPath, render, runs: () => runs };
}

const deterministic = { binary: 'istioctl', deterministicRender: true };
const commands = [['manifest', 'generate', '--set', 'profile=minimal']];

describe('render cache', () => {
  it('runs a deterministic installer once for the same installer and command lines', async (t) => {
    const s = setup();
    t.after(() => rmSync(s.dir, { recursive: true, force: true }));
    const base = { cacheDir: join(s.dir, 'cache'), spec: deterministic, installerPath: s.installerPath };
    let hits = 0;
    const onHit = () => hits++;
    assert.equal(await renderOnce({ ...base, commands, render: s.render('A'), onHit }), 'A');
    assert.equal(await renderOnce({ ...base, commands, render: s.render('B'), onHit }), 'A');
    assert.equal(s.runs(), 1);
    assert.equal(hits, 1);
    // Other settings are another render.
    const other = [['manifest', 'generate', '--set', 'profile=default']];
    assert.equal(await renderOnce({ ...base, commands: other, render: s.render('C') }), 'C');
    // Another installer (same path, other content) renders anew.
    writeFileSync(s.installerPath, '#!/bin/sh\necho v2\n');
    assert.equal(await renderOnce({ ...base, commands, render: s.render('D') }), 'D');
    assert.equal(s.runs(), 3);
    // Entries are private to the user.
    const dir = join(base.cacheDir, 'renders', 'istioctl');
    for (const f of readdirSync(dir)) assert.equal(statSync(join(dir, f)).mode & 0o077, 0);
  });

  it('never caches an installer that generates keys or random values at render time', async (t) => {
    const s = setup();
    t.after(() => rmSync(s.dir, { recursive: true, force: true }));
    const base = {
      cacheDir: join(s.dir, 'cache'),
      spec: { binary: 'linkerd' },
      installerPath: s.installerPath,
      commands,
    };
    assert.equal(await renderOnce({ ...base, render: s.render('A') }), 'A');
    assert.equal(await renderOnce({ ...base, render: s.render('B') }), 'B');
    assert.equal(s.runs(), 2);
    assert.throws(() => readdirSync(join(base.cacheDir, 'renders')), /ENOENT/);
  });
});
