/** Metadata key of `@Public()`. */
export const PUBLIC_ROUTE = 'auth:public';
