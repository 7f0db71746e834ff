import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { GROUPS, buildProgram, groupsFor, rootHelpOnly } from './program.js';
import { GROUP_INDEX } from './group-index.js';
import { groupSummaries } from './group-summary.js';
import { commandMeta } from './shared/meta.js';

function walk(cmd: CommandUnknownOpts, path: string[] = []): Array<[string, CommandUnknownOpts]> {
  const here: Array<[string, CommandUnknownOpts]> = [[[...path, cmd.name()].join(' '), cmd]];
  return here.concat(...cmd.commands.filter((c) => !isHidden(c)).map((c) => walk(c, [...path, cmd.name()])));
}

function isHidden(cmd: CommandUnknownOpts): boolean {
  return (cmd as unknown as { _hidden?: boolean })._hidden === true || cmd.name() === 'help';
}

describe('the command tree', () => {
  const commands = walk(buildProgram());

  it('gives every command a description and at least one example', () => {
    for (const [path, cmd] of commands) {
      assert.ok(cmd.description().length > 10, `${path} has no description`);
      assert.ok(commandMeta(cmd).examples.length > 0, `${path} has no examples`);
      for (const example of commandMeta(cmd).examples)
        assert.match(example, /^(meshdeck |source |[a-z])/, path);
    }
  });

  it('declares a default output format for every command that declares formats', () => {
    for (const [path, cmd] of commands) {
      const meta = commandMeta(cmd);
      if (meta.formats) assert.ok(meta.formats.includes(meta.defaultFormat ?? ''), path);
    }
  });

  it('uses lower-case descriptions that do not end with a period, as --help lines', () => {
    for (const [path, cmd] of commands.slice(1)) {
      assert.match(cmd.description(), /^[a-z]/, path);
      assert.doesNotMatch(cmd.description(), /\.$/, path);
    }
  });
});

describe('building only what a command line needs', () => {
  const names = (argv: string[]) => groupsFor(argv).map(([name]) => name);

  it('names each group as its builder does', () => {
    for (const [name, build] of GROUPS) assert.equal(build().name(), name);
  });

  it('builds just the group a command names, past global options and their values', () => {
    assert.deepEqual(names(['context', 'list']), ['context']);
    assert.deepEqual(names(['--context', 'perf', '-n', 'sandbox', '-o', 'json', 'design', 'list']), [
      'design',
    ]);
    assert.deepEqual(names(['--output=json', '--verbose', 'perf', 'run']), ['perf']);
    assert.deepEqual(
      buildProgram(['context', 'list']).commands.map((c) => c.name()),
      ['context'],
    );
  });

  it('builds nothing for --version, and everything for help, completion and unknown names', () => {
    const all = GROUPS.map(([name]) => name);
    assert.deepEqual(names(['--version']), []);
    for (const argv of [[], ['--help'], ['--version', '--help'], ['help'], ['__complete', 'co'], ['contxt']])
      assert.deepEqual(names(argv), all, argv.join(' '));
  });
});

describe('the root help without building the groups', () => {
  it('has an index of the groups that matches the tree (run `npm run build && npm run docs` if not)', () => {
    assert.deepEqual(GROUP_INDEX, groupSummaries(buildProgram()));
  });

  it('prints exactly the help of the fully built tree', () => {
    const full = buildProgram().helpInformation();
    for (const argv of [['--help'], ['-h'], [], ['-o', 'json', '--help']]) {
      assert.ok(rootHelpOnly(argv), argv.join(' '));
      assert.equal(buildProgram(argv).helpInformation(), full, argv.join(' '));
    }
  });

  it('builds the real groups once a command line names anything', () => {
    for (const argv of [['demo', '--help'], ['help'], ['contxt', '--help'], ['--version']]) {
      assert.equal(rootHelpOnly(argv), false, argv.join(' '));
    }
    assert.ok(buildProgram(['demo', '--help']).commands[0].options.length > 0);
  });
});
