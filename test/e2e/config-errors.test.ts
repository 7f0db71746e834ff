// Bad config input: every case names the file (and line and column where there is one), says what to do,
// exits with the contracted code, and changes nothing.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { BIN, TestHome, runProcess, unprivileged } from '../helpers/cli.js';
import { billionLaughs } from '../helpers/designs.js';

let home: TestHome;
beforeEach(() => {
  home = new TestHome();
});
afterEach(() => home.cleanup());

function writeConfig(text: string): void {
  home.mkdir(home.configDir, 0o700);
  writeFileSync(home.configFile, text, { mode: 0o600 });
}

describe('config file errors', () => {
  it('broken YAML: exit 2 with file:line:column, a code frame and a hint; the file is untouched', async () => {
    const broken = 'apiVersion: meshdeck/v1\ncontexts:\n  - name: prod\n  namespace: a: b\n';
    writeConfig(broken);
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^error: ${home.configFile}:4:\\d+: invalid YAML: `));
    assert.match(r.stderr, /> 4 \| {3}namespace: a: b/);
    assert.match(r.stderr, /hint: fix the YAML syntax at that position/);
    // A write command refuses to overwrite what it cannot read back.
    const w = await home.run(['context', 'create', 'dev']);
    assert.equal(w.code, 2);
    assert.equal(readFileSync(home.configFile, 'utf8'), broken);
  });

  it('unknown schema version: exit 2 pointing at apiVersion, with what this meshdeck reads', async () => {
    writeConfig('apiVersion: meshdeck/v7\ncontexts: []\n');
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(`^error: ${home.configFile}:1:13: unsupported config schema version "meshdeck/v7"`),
    );
    assert.match(r.stderr, /hint: this meshdeck reads apiVersion meshdeck\/v1; upgrade meshdeck/);
  });

  it('invalid values: exit 2 naming each field with its position', async () => {
    writeConfig(
      'apiVersion: meshdeck/v1\ncontexts:\n  - name: prod\n    namespace: Bad_NS\n  - name: prod\n',
    );
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /config\.yaml:4:16: context "prod": "Bad_NS" is not a valid namespace/);
    assert.match(r.stderr, /config\.yaml:5:5: context "prod" is defined twice/);
  });

  it('unknown keys are warned about on stderr with their position, and the command still works', async () => {
    writeConfig('apiVersion: meshdeck/v1\ncontexts:\n  - name: prod\n    nmspace: payments\n');
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 0);
    assert.match(
      r.stderr,
      /warning: .*config\.yaml:4:5: contexts\[0\]: unknown key "nmspace" \(did you mean "namespace"\?\); it is ignored/,
    );
    assert.match(r.stdout, /prod/);
    assert.doesNotMatch(r.stdout, /warning/);
  });

  it('unreadable config file: exit 2, saying so and how to fix it', async () => {
    const user = unprivileged();
    writeConfig('apiVersion: meshdeck/v1\ncontexts: []\n');
    chmodSync(home.configDir, 0o755);
    chmodSync(home.configFile, 0o600); // owned by the test user; the command runs as another
    if (!user.isRoot) chmodSync(home.configFile, 0o000);
    const r = await home.run(['context', 'list'], { uid: user.uid, gid: user.gid });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      new RegExp(`^error: cannot read config file ${home.configFile}: permission denied`),
    );
    assert.match(r.stderr, /hint: make it readable by you \(chmod u\+r .*\), or set MESHDECK_CONFIG/);
  });

  it('a folder where the config file should be: exit 2', async () => {
    mkdirSync(home.configFile, { recursive: true });
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a folder, not a file/);
  });

  it('config folder not writable: exit 1 naming the folder; nothing is written', async () => {
    const user = unprivileged();
    home.mkdir(home.configDir, 0o555);
    if (user.isRoot) chownSync(home.configDir, 0, 0);
    const r = await home.run(['context', 'create', 'dev'], { uid: user.uid, gid: user.gid });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`^error: cannot write ${home.configFile}\\.lock: permission denied on ${home.configDir}`),
    );
    assert.match(r.stderr, /hint: make .* writable by you/);
    assert.throws(() => statSync(home.configFile));
  });

  it('a write that fails while taking the lock (full disk) leaves no lock behind', async () => {
    // A file size limit of 0 makes every write fail after the file was created, as a full disk does.
    home.mkdir(home.configDir, 0o700);
    const full = await runProcess(
      'sh',
      ['-c', `trap '' XFSZ; ulimit -f 0; exec "${process.execPath}" "${BIN}" context create dev`],
      { env: home.env },
    );
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stderr, /^error: cannot write .*config\.yaml\.lock: /);
    assert.equal(existsSync(`${home.configFile}.lock`), false, 'no lock file is left behind');
    const r = await home.run(['context', 'create', 'dev'], { timeoutMs: 8000 });
    assert.equal(r.code, 0, r.stderr);
  });

  it('an empty or unparseable lock file (left by a crash) is not a live holder', async () => {
    for (const debris of ['', 'garbage\n']) {
      home.mkdir(home.configDir, 0o700);
      writeFileSync(`${home.configFile}.lock`, debris);
      // Before: waited the whole lock timeout, then "held by another meshdeck process".
      const r = await home.run(['context', 'create', `dev${debris.length}`], { timeoutMs: 8000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(existsSync(`${home.configFile}.lock`), false);
    }
  });

  it('MESHDECK_CONFIG=/dev/zero is read only up to the limit, then refused (exit 2)', async () => {
    const r = await home.run(['context', 'list'], {
      env: { MESHDECK_CONFIG: '/dev/zero' },
      timeoutMs: 15_000,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: config file \/dev\/zero is more than 16\.0 MiB/);
  });

  it('MESHDECK_CONFIG=/dev/null is an empty config', async () => {
    const r = await home.run(['context', 'list'], { env: { MESHDECK_CONFIG: '/dev/null' } });
    assert.equal(r.code, 0, r.stderr);
  });

  it('billion laughs in the config are never expanded (the config reader walks the tree)', async () => {
    writeConfig(`apiVersion: meshdeck/v1\ncontexts: []\n${billionLaughs()}`);
    const r = await home.run(['context', 'list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /config\.yaml:3:1: config: unknown key "a"; it is ignored/);
  });

  it('MESHDECK_CONFIG points meshdeck at another file', async () => {
    const other = join(home.root, 'elsewhere.yaml');
    const r = await home.run(['context', 'create', 'dev', '--use'], { env: { MESHDECK_CONFIG: other } });
    assert.equal(r.code, 0);
    assert.match(readFileSync(other, 'utf8'), /current-context: dev/);
    assert.throws(() => statSync(home.configFile));
  });
});

describe('unknown contexts', () => {
  beforeEach(() => writeConfig('apiVersion: meshdeck/v1\ncontexts:\n  - name: prod\n'));

  it('--context naming no context: exit 2 with a suggestion and the known ones', async () => {
    const r = await home.run(['--context', 'prdo', 'context', 'view']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: context "prdo" not found \(from --context\) \(did you mean "prod"\?\)/);
    assert.match(r.stderr, /hint: known contexts: local, prod/);
  });

  it('MESHDECK_CONTEXT naming no context: exit 2, naming the variable', async () => {
    const r = await home.run(['context', 'view'], { env: { MESHDECK_CONTEXT: 'staging' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "staging" not found \(from MESHDECK_CONTEXT\)/);
  });

  it('context use of an unknown name: exit 2, config unchanged', async () => {
    const before = readFileSync(home.configFile, 'utf8');
    const r = await home.run(['context', 'use', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "nope" not found/);
    assert.equal(readFileSync(home.configFile, 'utf8'), before);
  });

  it('a dangling current-context: a warning on load, and an error naming where it is set when used', async () => {
    writeConfig('apiVersion: meshdeck/v1\ncurrent-context: gone\ncontexts:\n  - name: prod\n');
    const list = await home.run(['context', 'list']);
    assert.equal(list.code, 0);
    assert.match(list.stderr, /warning: .*config\.yaml:2:18: current-context "gone" is not defined/);
    const view = await home.run(['context', 'view']);
    assert.equal(view.code, 2);
    assert.match(view.stderr, /context "gone" not found \(current-context at .*config\.yaml:2:18\)/);
  });
});

describe('environment variables', () => {
  it('an empty MESHDECK_CREDENTIAL_STORE is the same as unset; an unknown value is exit 2', async () => {
    const provider = ['logout', '--provider', 'http://127.0.0.1:9'];
    const empty = await home.run(provider, { env: { MESHDECK_CREDENTIAL_STORE: '' } });
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stderr, /not signed in to http:\/\/127\.0\.0\.1:9/);
    const blank = await home.run(provider, { env: { MESHDECK_CREDENTIAL_STORE: '  ' } });
    assert.equal(blank.code, 0, blank.stderr);
    const bad = await home.run(provider, { env: { MESHDECK_CREDENTIAL_STORE: 'vault' } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: MESHDECK_CREDENTIAL_STORE="vault" is not one of auto, keychain, file/);
  });
});
