// Issue 18 item 8: `meshdeck login --web` end to end in a real browser. Headless chromium (the Debian
// package) opens the sign-in URL the CLI prints, a person's typing is done by script in the page, the
// form is submitted with its button, and chromium follows the provider's 302 to the CLI's loopback
// callback, which Chrome checks against the page's Content-Security-Policy form-action.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TestHome } from '../helpers/cli.js';
import { Chromium } from '../helpers/cdp.js';
import { ADMIN, LiveProcess, providerFixture } from '../helpers/provider.js';
import { CHROMIUM, needPrograms } from '../helpers/programs.js';

describe('browser sign-in in a real chromium (item 8)', () => {
  const { server } = providerFixture('pglite');
  const home = new TestHome();
  after(() => home.cleanup());

  it('signs in: the form posts, chromium follows the redirect to the loopback callback, the CLI is signed in', async (t) => {
    if (!needPrograms(t, CHROMIUM)) return;
    const url = server().url;
    const login = new LiveProcess(['login', '--web', '--no-browser', '--provider', url], home.env);
    const [signInUrl] = await login.waitFor(/http:\/\/\S+\/login\?\S+/);
    const browser = new Chromium();
    try {
      const page = await browser.newPage();
      await page.goto(signInUrl);
      assert.match(String(await page.evaluate('document.title')), /^Sign in to meshdeck/);
      await page.evaluate(`(() => {
        document.querySelector('#username').value = ${JSON.stringify(ADMIN.username)};
        document.querySelector('#password').value = ${JSON.stringify(ADMIN.password)};
        document.querySelector('button[type=submit]').click();
      })()`);
      // Either the CLI hears from the browser, or (the redirect blocked) nothing comes back.
      const outcome = await Promise.race([
        login.done,
        new Promise<'no callback'>((r) => setTimeout(() => r('no callback'), 20_000)),
      ]);
      const where = String(await page.evaluate('location.href'));
      assert.notEqual(outcome, 'no callback', `the browser never reached the callback; it is at ${where}`);
      assert.equal(typeof outcome === 'object' && outcome.code, 0, login.stderr);
      assert.match(login.stderr, /signed in to .* as admin/);
      assert.match(where, /^http:\/\/127\.0\.0\.1:\d+\/callback\?code=mdc_/);
      assert.match(String(await page.evaluate('document.body.innerText')), /Signed in/);
    } finally {
      login.child.kill('SIGKILL');
      await browser.close();
    }
  });
});
