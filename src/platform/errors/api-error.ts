import { type ErrorCode, errorDefinition } from './catalogue.js';

/** The only error services throw on purpose. Status and type come from the catalogue. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { param?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.param = options.param;
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return errorDefinition(this.code).status;
  }
}

export interface ErrorEnvelope {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string;
    requestId: string;
  };
}

export function errorEnvelope(error: ApiError, requestId: string): ErrorEnvelope {
  return {
    error: {
      type: errorDefinition(error.code).type,
      code: error.code,
      message: error.message,
      ...(error.param ? { param: error.param } : {}),
      requestId,
    },
  };
}

export function notFound(noun: string, id: string, param = 'id'): ApiError {
  return new ApiError('resource_not_found', `${noun} ${id} not found.`, { param });
}
