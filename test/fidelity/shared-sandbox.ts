// One sandbox and one kubectl home for a whole test file (the issue 17 surface classes share this
// setup): registered with before/after, reached through the returned object once the tests run.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { testSandbox, type KubectlHome, type TestSandbox } from './helpers.js';

export interface SharedSandbox {
  readonly ts: TestSandbox;
  readonly h: KubectlHome;
  /** Runs kubectl (a version, or the one on PATH) and returns its stdout; fails the test on a non-zero exit. */
  kubectl(args: string[], version?: string): Promise<string>;
}

export function sharedSandbox(): SharedSandbox {
  let ts: TestSandbox | undefined;
  let h: KubectlHome | undefined;
  before(async () => {
    ts = await testSandbox();
    h = ts.home();
  });
  after(async () => {
    await ts?.stop();
  });
  return {
    get ts() {
      return ts!;
    },
    get h() {
      return h!;
    },
    async kubectl(args, version) {
      const r = await h!.run(args, { version });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
  };
}
