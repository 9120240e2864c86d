import { ToolErrorStatus } from './tool-error-status';

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly error: string;
  readonly request_id: string;
  readonly status?: ToolErrorStatus;
  readonly issues?: readonly { field: string; message: string }[];
}
