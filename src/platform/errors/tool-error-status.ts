import { HttpStatus } from '@nestjs/common';

/** The statuses a tool error can carry (see ARCHITECTURE.md, "Errors"). */
export const TOOL_ERROR_STATUSES = ['invalid', 'not_found', 'forbidden', 'retry', 'error'] as const;
export type ToolErrorStatus = (typeof TOOL_ERROR_STATUSES)[number];

/** The HTTP status the REST facade answers for each tool error status. */
export const HTTP_STATUS_OF: Readonly<Record<ToolErrorStatus, HttpStatus>> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  retry: HttpStatus.SERVICE_UNAVAILABLE,
  error: HttpStatus.INTERNAL_SERVER_ERROR,
};
