// Asks a running sandbox whether it is ready (GET /readyz), trusting its CA.
import { request } from 'node:https';

export function probeReady(url: string, caPem: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/readyz`, { ca: caPem, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}
