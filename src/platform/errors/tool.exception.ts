import { ToolErrorStatus } from './tool-error-status';

/** One problem with one argument: `{ field: 'limit', message: 'must not be greater than 1000' }`. */
export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export interface ToolExceptionOptions {
  /** The underlying error; logged, never shown to the client. */
  readonly cause?: unknown;
}

/**
 * Base of every error a tool may throw. `message` is safe to show to the client: never put a
 * driver message, an upstream body or a secret in it; pass those as `cause`.
 */
export abstract class ToolException extends Error {
  abstract readonly status: ToolErrorStatus;

  constructor(message: string, options: ToolExceptionOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }
}

/** Arguments failed validation; `issues` names each bad field. */
export class InvalidArgumentsException extends ToolException {
  readonly status = 'invalid';

  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid arguments: ${issues.map((issue) => `${issue.field} ${issue.message}`).join('; ')}`);
  }
}

/** The thing asked for does not exist. */
export class ToolNotFoundException extends ToolException {
  readonly status = 'not_found';
}

/** The caller's key lacks the scope this tool needs; `missingScopes` names them (a 403's `scope=` challenge). */
export class ToolForbiddenException extends ToolException {
  readonly status = 'forbidden';

  constructor(
    message: string,
    readonly missingScopes: readonly string[] = [],
    options: ToolExceptionOptions = {},
  ) {
    super(message, options);
  }
}

/** A timeout or a transient upstream/database failure: the same call may succeed later. */
export class ToolRetryException extends ToolException {
  readonly status = 'retry';

  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    options: ToolExceptionOptions = {},
  ) {
    super(message, options);
  }
}

/** Anything else the tool knows went wrong; the message stays generic. */
export class ToolFailedException extends ToolException {
  readonly status = 'error';
}
