// An error a handler throws to answer with a status and a JSON body {error, message}.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, extra?: Record<string, unknown>) =>
  new ApiError(400, code, message, extra);
export const notFound = (message = 'not found') => new ApiError(404, 'not_found', message);

export function unauthorized(message: string): ApiError {
  return new ApiError(
    401,
    'invalid_token',
    message,
    {},
    {
      'www-authenticate': `Bearer error="invalid_token", error_description="${message.replace(/"/g, "'")}"`,
    },
  );
}

/** OAuth endpoints answer with {error, error_description} (RFC 6749 section 5.2). */
export function oauthError(code: string, description: string, status = 400): ApiError {
  return new ApiError(status, code, description, { error_description: description });
}
