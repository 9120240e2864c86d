import { exceedsJsonDepth } from '../json/json-depth';

/** Shape limits of a parsed JSON value: how deep it nests, how large any one array or object is. */
export interface BodyLimits {
  /** BODY_MAX_DEPTH: containers nested in containers; `{}` is depth 1, `{"a":[]}` depth 2. */
  readonly maxDepth: number;
  /** BODY_MAX_ELEMENTS: items of one array, or keys of one object. */
  readonly maxElements: number;
}

/** The first limit a value breaks: the setting's name and value, and a sentence naming both. */
export interface BodyLimitViolation {
  readonly setting: 'BODY_MAX_DEPTH' | 'BODY_MAX_ELEMENTS';
  readonly limit: number;
  readonly message: string;
}

const depthViolation = (limit: number): BodyLimitViolation => ({
  setting: 'BODY_MAX_DEPTH',
  limit,
  message: `nests arrays and objects deeper than ${limit} levels (BODY_MAX_DEPTH)`,
});

const elementsViolation = (limit: number): BodyLimitViolation => ({
  setting: 'BODY_MAX_ELEMENTS',
  limit,
  message: `holds an array or object of more than ${limit} elements (BODY_MAX_ELEMENTS)`,
});

/** A body refused by the raw-text depth check, thrown from body-parser's `verify` hook (400, exposed). */
export class BodyLimitError extends Error {
  readonly status = 400;
  readonly expose = true;

  constructor(readonly violation: BodyLimitViolation) {
    super(violation.message);
  }
}

/** body-parser `verify` hook: refuses a UTF-8 body over the depth limit before it is parsed. */
export function verifyBodyDepth(limits: BodyLimits): (req: unknown, res: unknown, body: Buffer, encoding: string) => void {
  return (_req, _res, body, encoding) => {
    if (encoding === 'utf-8' && exceedsJsonDepth(body, limits.maxDepth)) throw new BodyLimitError(depthViolation(limits.maxDepth));
  };
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * Checks a parsed JSON value against the limits (after `verifyBodyDepth` over HTTP; alone over stdio) without recursion (an explicit stack, so no nesting can
 * overflow the call stack) and stops at the first violation. Each node is visited at most once; a cycle
 * (impossible in parsed JSON) ends at the depth limit.
 */
export function findBodyLimitViolation(root: unknown, limits: BodyLimits): BodyLimitViolation | undefined {
  if (!isContainer(root)) return undefined;
  const values: object[] = [root];
  const depths: number[] = [1];
  while (values.length > 0) {
    const value = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limits.maxDepth) return depthViolation(limits.maxDepth);
    const children: readonly unknown[] = Array.isArray(value) ? value : Object.keys(value);
    if (children.length > limits.maxElements) return elementsViolation(limits.maxElements);
    if (!Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      for (const key of children as readonly string[]) pushIfContainer(record[key], depth + 1, values, depths);
    } else {
      for (const child of children) pushIfContainer(child, depth + 1, values, depths);
    }
  }
  return undefined;
}

function pushIfContainer(child: unknown, depth: number, values: object[], depths: number[]): void {
  if (!isContainer(child)) return;
  values.push(child);
  depths.push(depth);
}
