import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { canOpenBrowser } from '../../provider/client/web-login.js';
import { login, type LoginMethod } from '../../provider/client/login.js';
import type { Invocation } from '../shared/invocation.js';

interface Options {
  target: Awaited<ReturnType<Invocation['factory']['providerTarget']>>;
  method: LoginMethod;
  browser: boolean;
}

export async function complete(
  inv: Invocation,
  flags: { provider?: string; device?: true; web?: true; withToken?: true; browser: boolean },
): Promise<Options> {
  return {
    target: await inv.factory.providerTarget(flags.provider),
    method: flags.withToken ? 'token' : flags.web ? 'web' : 'device',
    browser: flags.browser,
  };
}

export async function run(inv: Invocation, { target, method, browser }: Options): Promise<void> {
  if (!('url' in target)) {
    inv.log.info('the built-in provider needs no sign-in: it has one local user');
    inv.log.info(
      'to sign in to a Remote Provider: meshdeck login --provider URL (or a context created with --provider URL)',
    );
    return;
  }
  let token: string | undefined;
  if (method === 'token') {
    if (process.stdin.isTTY) {
      throw new UsageError('--with-token reads the token from standard input', {
        hint: 'pipe it in: echo "$TOKEN" | meshdeck login --with-token',
      });
    }
    token = readFileSync(0, 'utf8');
  }
  if (inv.env.MESHDECK_TOKEN)
    inv.log.warn('MESHDECK_TOKEN is set: it is used instead of the stored token until you unset it');

  const result = await login(inv.factory.sessionHost(), target, {
    method,
    token,
    openBrowser: browser && canOpenBrowser(inv.env),
    onDeviceCode: (device) => {
      inv.log.write(`Your one-time code: ${device.user_code}`);
      inv.log.write(
        `Open ${device.verification_uri_complete ?? device.verification_uri} in a browser (on any device), check the code and approve it.`,
      );
      inv.log.info('Waiting for approval...');
    },
    onBrowserUrl: (url) => {
      inv.log.write('Sign in in your browser. If it does not open, open this URL:');
      inv.log.write(`  ${url}`);
    },
    onSlowDown: (seconds) => inv.log.debug(`the provider asked to poll every ${seconds} s`),
  });
  inv.log.success(
    `signed in to ${target.url} as ${result.profile.username} (token stored in ${result.store.name === 'file' ? result.store.location : 'the OS keychain'})`,
  );
}
