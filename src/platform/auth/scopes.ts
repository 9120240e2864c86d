/** The scope that grants every other. */
export const ALL_SCOPES = '*';

/** Whether a caller holding `held` may use something that needs every scope of `needed` (none needed: yes). */
export function scopesAllow(held: readonly string[], needed: readonly string[] | undefined): boolean {
  return held.includes(ALL_SCOPES) || (needed ?? []).every((scope) => held.includes(scope));
}

/** The scopes of `needed` that `held` lacks (none when `held` has `*`). */
export function missingScopes(held: readonly string[], needed: readonly string[] | undefined): string[] {
  return held.includes(ALL_SCOPES) ? [] : (needed ?? []).filter((scope) => !held.includes(scope));
}
