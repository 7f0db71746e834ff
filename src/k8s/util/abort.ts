// An abort reason or a caught value as an Error, so that rejections and throws always carry one.
import { InterruptedError } from '../../core/errors.js';

export function asError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return reason === undefined
    ? new InterruptedError()
    : new Error(typeof reason === 'string' ? reason : JSON.stringify(reason));
}
