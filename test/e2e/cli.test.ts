// The root command's contract: help, version, unknown input and -o, through the real binary.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, TestHome } from '../helpers/cli.js';

const home = new TestHome();
after(() => home.cleanup());

describe('meshdeck (root)', () => {
  it('prints its version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    const r = await home.run(['--version']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
    assert.equal(r.stderr, '');
  });

  it('prints help with examples on stdout', async () => {
    const r = await home.run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: meshdeck \[options\] \[command\]/);
    assert.match(r.stdout, /Examples:\n {2}meshdeck /);
    for (const flag of [
      '--context',
      '--kubeconfig',
      '--kube-context',
      '--namespace',
      '--output',
      '--quiet',
      '--verbose',
      '--no-color',
    ]) {
      assert.ok(r.stdout.includes(flag), flag);
    }
    const sub = await home.run(['context', 'create', '--help']);
    assert.equal(sub.code, 0);
    assert.match(sub.stdout, /Usage: meshdeck context create \[options\] <name>/);
    assert.match(sub.stdout, /Examples:/);
  });

  it('suggests the nearest command for an unknown one and exits 2', async () => {
    const r = await home.run(['contxt', 'list']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^error: unknown command 'contxt'\n/);
    assert.match(r.stderr, /Did you mean context\?/);
    const sub = await home.run(['context', 'lst']);
    assert.equal(sub.code, 2);
    assert.match(sub.stderr, /unknown command 'lst'/);
    assert.match(sub.stderr, /list/);
  });

  it('suggests the nearest flag for an unknown one and exits 2', async () => {
    const r = await home.run(['context', 'list', '--outptu', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown option '--outptu'\n/);
    assert.match(r.stderr, /Did you mean --output\?/);
  });

  it('rejects -o with a format the command does not print, naming the ones it does', async () => {
    const r = await home.run(['context', 'list', '-o', 'xml']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /error: unsupported output format "xml" for "meshdeck context list"/);
    assert.match(r.stderr, /hint: list prints: table, wide, json, yaml/);
    const typo = await home.run(['context', 'list', '-o', 'jsno']);
    assert.match(typo.stderr, /did you mean "json"\?/);
    const none = await home.run(['completion', 'bash', '-o', 'json']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /prints no data, so -o json does not apply/);
  });

  it('treats a group without a subcommand as a usage error that shows the group help', async () => {
    const r = await home.run(['context']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: meshdeck context/);
  });

  it('rejects missing and excess arguments with exit 2', async () => {
    const missing = await home.run(['context', 'use']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /missing required argument 'name'/);
    const excess = await home.run(['context', 'list', 'extra']);
    assert.equal(excess.code, 2);
    assert.match(excess.stderr, /too many arguments/);
  });

  it('accepts global flags before or after the subcommand', async () => {
    const before = await home.run(['-o', 'json', 'context', 'list']);
    const afterward = await home.run(['context', 'list', '-o', 'json']);
    assert.equal(before.code, 0);
    assert.equal(before.stdout, afterward.stdout);
    assert.equal(JSON.parse(before.stdout).kind, 'ContextList');
  });

  it('never prints a stack trace unless --verbose is given', async () => {
    const r = await home.run(['context', 'use', 'nope']);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const verbose = await home.run(['context', 'use', 'nope', '--verbose']);
    assert.match(verbose.stderr, /\n\s+at /);
  });
});
