// The few HTML pages a person opens in a browser: the device verification page, the sign-in page of the
// browser flow, and the API token page. Plain forms, no scripts.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · meshdeck provider</title>
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;font:inherit}
button{margin:1rem .5rem 0 0;padding:.5rem 1rem;font:inherit}.error{color:#b00020}.code{font:1.4rem monospace}</style>
</head><body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

function credentialFields(): string {
  return `<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>`;
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
}

const errorLine = (error?: string) => (error ? `<p class="error">${escapeHtml(error)}</p>` : '');

export function deviceForm(userCode: string, error?: string): string {
  return page(
    'Connect a device',
    `<p>Check that this code matches the one meshdeck shows in your terminal, then sign in to approve it.</p>
${errorLine(error)}
<form method="post" action="/device">
<label for="user_code">Code</label><input id="user_code" name="user_code" class="code" value="${escapeHtml(userCode)}" required>
${credentialFields()}
<button name="action" value="approve" type="submit">Approve</button>
<button name="action" value="deny" type="submit">Deny</button>
</form>`,
  );
}

export function message(title: string, text: string): string {
  return page(title, `<p>${escapeHtml(text)}</p>`);
}

export function loginForm(params: Record<string, string>, error?: string): string {
  return page(
    'Sign in to meshdeck',
    `<p>meshdeck on this computer asks to sign in as you.</p>
${errorLine(error)}
<form method="post" action="/login">
${hidden(params)}
${credentialFields()}
<button type="submit">Sign in</button>
</form>`,
  );
}

export function apiTokenForm(error?: string): string {
  return page(
    'Create an API token',
    `<p>A token for CI and scripts (set it as MESHDECK_TOKEN, or give it to <code>meshdeck login --with-token</code>).</p>
${errorLine(error)}
<form method="post" action="/tokens">
${credentialFields()}
<label for="name">Token name</label><input id="name" name="name" value="ci" required>
<label for="days">Expires after (days; empty for the default)</label><input id="days" name="days" value="30">
<button type="submit">Create</button>
</form>`,
  );
}

export function apiTokenCreated(token: string, expiresAt: string): string {
  return page(
    'API token created',
    `<p>Copy it now: it is shown only once.</p><p class="code">${escapeHtml(token)}</p>
<p>It expires at ${escapeHtml(expiresAt)}.</p>`,
  );
}
