// Whether a process exists: signal 0 checks without sending anything. EPERM means it exists but belongs
// to another user, so it is alive too. The one pid-alive check (file locks, src/local's services).
import { errnoCode } from './errors.js';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
