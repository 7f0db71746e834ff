// The layering rules of docs/development.md are checked, not only written: a deliberate violation fails
// lint, the real eslint config applies the rule to every source file, and no two folders under src/
// import each other.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '../helpers/cli.js';

const script = (name: string) => new URL(`../../../scripts/lint/${name}`, import.meta.url).href;

async function lintImport(file: string, specifier: string): Promise<string[]> {
  const boundaries = ((await import(script('boundaries.mjs'))) as { default: ESLint.Plugin }).default;
  const eslint = new ESLint({
    cwd: REPO_ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tseslint.parser },
        plugins: { meshdeck: boundaries },
        rules: { 'meshdeck/layers': 'error' },
      },
    ],
  });
  const code = `import { x } from '${specifier}';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return result.messages.map((m) => m.message);
}

describe('import layering (lint)', () => {
  const cases: Array<[string, string, RegExp | undefined]> = [
    ['src/perf/store/probe.ts', '../../k8s/client.js', /src\/perf must not import src\/k8s/],
    [
      'src/perf/store/probe.ts',
      '../../provider/client/session.js',
      /src\/perf must not import src\/provider/,
    ],
    ['src/perf/store/probe.ts', '../../core/errors.js', undefined],
    ['src/design/probe.ts', '../commands/shared/command.js', /src\/design may import only/],
    ['src/k8s/apply/probe.ts', '../../commands/shared/command.js', /must not import src\/commands/],
    ['src/adapters/probe.ts', '../commands/shared/command.js', /domains never import commands/],
    [
      'src/sandbox/server/probe.ts',
      '../../k8s/client.js',
      /src\/sandbox may import only src\/sandbox, src\/core, src\/kube, src\/local/,
    ],
    ['src/sandbox/server/probe.ts', '../../core/errors.js', undefined],
    [
      'src/commands/sandbox/probe.ts',
      '../../sandbox/server/handler.js',
      /reaches into the sandbox past its index/,
    ],
    ['src/commands/sandbox/probe.ts', '../../sandbox/index.js', undefined],
    ['src/provider/server/probe.ts', '../client/session.js', /must not import src\/provider\/client/],
    ['src/core/probe.ts', '../k8s/client.js', /src\/core may import only src\/core/],
  ];
  for (const [file, specifier, expected] of cases) {
    it(`${file} importing ${specifier}: ${expected ? 'refused' : 'allowed'}`, async () => {
      const messages = await lintImport(file, specifier);
      if (expected) {
        assert.equal(messages.length, 1, messages.join('\n'));
        assert.match(messages[0], expected);
      } else {
        assert.deepEqual(messages, []);
      }
    });
  }

  it('is switched on by the project config for sources, tests and benchmarks', async () => {
    const eslint = new ESLint({ cwd: REPO_ROOT });
    for (const file of ['src/perf/run.ts', 'src/commands/program.ts', 'test/helpers/cli.ts']) {
      const config = (await eslint.calculateConfigForFile(join(REPO_ROOT, file))) as {
        rules: Record<string, unknown>;
      };
      assert.deepEqual(config.rules['meshdeck/layers'], [2], file);
    }
  });
});

describe('folders that import each other', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meshdeck-cycles-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  type Cycle = { a: string; b: string; aToB: string; bToA: string };
  const cycles = async (src: string) =>
    ((await import(script('cycles.mjs'))) as { folderCycles: (src: string) => Cycle[] }).folderCycles(src);

  it('are found, at any depth, with one import each way', async () => {
    const files: Record<string, string> = {
      'src/a/x/one.ts': "import { two } from '../y/two.js';\nexport const one = two;\n",
      'src/a/y/two.ts': "export const two = 2;\nexport { three } from '../x/three.js';\n",
      'src/a/x/three.ts': 'export const three = 3;\n',
      'src/b/four.ts': "import { one } from '../a/x/one.js';\nexport const four = one;\n",
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const found = await cycles(join(dir, 'src'));
    assert.deepEqual(found, [
      {
        a: 'src/a/x',
        b: 'src/a/y',
        aToB: 'src/a/x/one.ts -> src/a/y/two.js',
        bToA: 'src/a/y/two.ts -> src/a/x/three.js',
      },
    ]);
  });

  it('are none in meshdeck', async () => {
    assert.deepEqual(await cycles(join(REPO_ROOT, 'src')), []);
  });
});
