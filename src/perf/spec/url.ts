// The target URL: http or https, with a host. A bad one is a usage error that names the bad part.
import { UsageError } from '../../core/errors.js';
import { badValue } from '../../core/input-error.js';
import { setting } from '../../core/settings.js';

export interface TargetUrl {
  href: string;
  tls: boolean;
  hostname: string;
  port: number;
  /** Path and query, as sent in the request line. */
  path: string;
  /** Host header value. */
  host: string;
}

export function parseTargetUrl(text: string, what = 'URL'): TargetUrl {
  const s = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s);
  if (!scheme) {
    throw new UsageError(`invalid ${what} "${text}": missing http:// or https://`, {
      hint: `write the full URL, e.g. http://${s.replace(/^\/*/, '') || 'localhost:8080/'}`,
    });
  }
  const protocol = scheme[1].toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') {
    throw badValue(
      what,
      text,
      text.indexOf(scheme[1]),
      `unsupported scheme "${scheme[1]}"`,
      'use http:// or https://',
    );
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    const hostStart = scheme[0].length;
    const bad = firstBadHostChar(s, hostStart);
    throw badValue(what, text, bad, 'not a valid URL', 'check the host name and port');
  }
  if (!url.hostname)
    throw badValue(what, text, scheme[0].length, 'missing host', 'e.g. http://localhost:8080/');
  if (url.username || url.password) {
    throw new UsageError(`invalid ${what} "${text}": credentials in the URL are not supported`, {
      hint: `pass them as a header instead: ${setting('header')} "Authorization: Basic ..."`,
    });
  }
  const tls = protocol === 'https';
  const port = url.port ? Number(url.port) : tls ? 443 : 80;
  return {
    href: url.href,
    tls,
    hostname: url.hostname,
    port,
    path: `${url.pathname || '/'}${url.search}`,
    host: url.host,
  };
}

function firstBadHostChar(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const ch = s[i];
    if (ch === '/' || ch === '?' || ch === '#') break;
    if (!/[A-Za-z0-9.\-:[\]_%~]/.test(ch)) return i;
  }
  // A port out of range, or an empty host: point at the colon if there is one.
  const colon = s.indexOf(':', from);
  return colon === -1 ? from : colon + 1;
}
