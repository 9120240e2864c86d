/** `vector` scaled to length 1 (cosine distance then compares directions only); the zero vector stays as it is. */
export function unitVector(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0)) || 1;
  return vector.map((value) => value / norm);
}
