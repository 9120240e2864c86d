import { Injectable } from '@nestjs/common';
import { Principal } from '../auth/principal.interface';
import { ArgumentCompleter } from './mcp-prompt-options.interface';

/** One concrete resource, as `resources/list` shows it. */
export interface ResourceEntry {
  readonly uri: string;
  readonly name: string;
  readonly title?: string;
  readonly mimeType?: string;
}

/** One page of a template's resources; `nextCursor` (the template's own) when there are more. */
export interface ResourcePage {
  readonly resources: readonly ResourceEntry[];
  readonly nextCursor?: string;
}

/** Thrown by a template's `list` for a cursor it did not give out (answered as invalid params). */
export class InvalidResourceCursorError extends Error {
  constructor() {
    super('Invalid cursor');
  }
}

/** What a template's `read` gets besides the URI. */
export interface ResourceReadContext {
  /** Aborted when the client cancels or goes away. */
  readonly signal: AbortSignal;
  readonly requestId: string;
  readonly principal: Principal;
}

/** A read resource: its text and MIME type. */
export interface ResourceContent {
  readonly text: string;
  readonly mimeType: string;
}

/**
 * A family of resources under one URI template (`rag://documents/{id}`): `{var}` matches one path segment,
 * whose value reaches `read` URI-decoded.
 */
export interface ResourceTemplateEntry {
  readonly uriTemplate: string;
  readonly name: string;
  readonly title?: string;
  readonly description: string;
  readonly mimeType: string;
  /** Scopes the caller's key must hold to read (and list) these resources; none means any authenticated caller. */
  readonly scopes?: readonly string[];
  /**
   * Its concrete resources for `resources/list`, one bounded page at a time: `cursor` is the `nextCursor` of the
   * previous page (undefined for the first). Throws InvalidResourceCursorError for a cursor it did not give out.
   */
  readonly list?: (cursor: string | undefined) => Promise<ResourcePage>;
  /** The resource, or undefined when it does not exist (answered as resource-not-found). */
  readonly read: (uri: string, match: Readonly<Record<string, string>>, ctx: ResourceReadContext) => Promise<ResourceContent | undefined>;
  /** Completers of the template's variables by name (`completion/complete` with a `ref/resource`). */
  readonly complete?: Readonly<Record<string, ArgumentCompleter>>;
}

/** A URI matched against a registered template. */
export interface ResourceMatch {
  readonly template: ResourceTemplateEntry;
  readonly variables: Readonly<Record<string, string>>;
}

interface CompiledTemplate {
  readonly entry: ResourceTemplateEntry;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The server's MCP resource templates, registered by families at module init (like programmatic tools). While it
 * is empty the server advertises no `resources` capability.
 */
@Injectable()
export class ResourceRegistry {
  private readonly templates: CompiledTemplate[] = [];

  register(entry: ResourceTemplateEntry): void {
    if (this.templates.some((t) => t.entry.uriTemplate === entry.uriTemplate)) {
      throw new Error(`Duplicate MCP resource template "${entry.uriTemplate}"`);
    }
    const names: string[] = [];
    const source = entry.uriTemplate
      .split(/(\{[A-Za-z_][A-Za-z0-9_]*\})/)
      .map((part) => {
        if (part.startsWith('{') && part.endsWith('}')) {
          names.push(part.slice(1, -1));
          return '([^/]+)';
        }
        return escapeRegExp(part);
      })
      .join('');
    this.templates.push({ entry, pattern: new RegExp(`^${source}$`), names });
  }

  get empty(): boolean {
    return this.templates.length === 0;
  }

  list(): readonly ResourceTemplateEntry[] {
    return this.templates.map((t) => t.entry);
  }

  /** The first template the URI matches, with its variables decoded; undefined when none does. */
  match(uri: string): ResourceMatch | undefined {
    for (const { entry, pattern, names } of this.templates) {
      const found = pattern.exec(uri);
      if (!found) continue;
      try {
        const variables = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1])]));
        return { template: entry, variables };
      } catch {
        return undefined; // a malformed %-escape names no resource
      }
    }
    return undefined;
  }
}
