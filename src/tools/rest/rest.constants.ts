/** The family name: its tools need `rest:read` or `rest:write`. */
export const REST_FAMILY = 'rest';
