/** Whether the tracing SDK runs in this process: the hot-path hooks skip all span work when it does not. */
export const tracingState = { on: false };
