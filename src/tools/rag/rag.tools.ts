import { Injectable } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ToolNotFoundException } from '../../platform/errors/tool.exception';
import { McpToolOptions } from '../../platform/mcp/mcp-tool-options.interface';
import { ResourceContent, ResourceTemplateEntry } from '../../platform/mcp/resource.registry';
import { ToolResourceLink } from '../../platform/mcp/tool-call.interface';
import { ToolContext } from '../../platform/mcp/tool-context.interface';
import { decodeDocumentCursor, encodeDocumentCursor } from './rag-document-cursor';
import { RagConfig } from './rag.config';
import { MAX_DOCUMENTS_PER_INGEST } from './rag.constants';
import {
  RagDeletedDocument,
  RagDocumentIdInput,
  RagDocumentList,
  RagIngestInput,
  RagIngestOutput,
  RagListDocumentsInput,
  RagSearchInput,
  RagSearchOutput,
} from './rag.dto';
import { RagService } from './rag.service';

/** A tool of this family: its options (as `@McpTool` would take them) and its handler. */
export interface RagToolEntry {
  readonly options: McpToolOptions;
  readonly source: string;
  readonly handler: (input: object, ctx: ToolContext) => unknown;
}

/** Ids one completion of `rag://documents/{id}` fetches (the server answers at most 100 and says there are more). */
const DOCUMENT_SUGGESTIONS = 101;

/** Documents per `resources/list` page (newest first). */
export const LISTED_DOCUMENT_RESOURCES = 100;


/** One `resource_link` per document among the hits, in rank order. */
function documentLinks(result: unknown): ToolResourceLink[] {
  const links = new Map<string, ToolResourceLink>();
  for (const hit of (result as RagSearchOutput).results) {
    if (links.has(hit.uri)) continue;
    links.set(hit.uri, { uri: hit.uri, name: hit.title ?? hit.source ?? hit.document_id, mimeType: 'text/markdown' });
  }
  return [...links.values()];
}

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/**
 * The RAG tools. Not an `@McpToolProvider()`: they exist only when RAG is enabled and pgvector is present,
 * so RagToolsRegistrar registers `entries()` at module init instead of the explorer finding them.
 */
@Injectable()
export class RagTools {
  constructor(
    private readonly rag: RagService,
    private readonly config: RagConfig,
  ) {}

  ingest(input: RagIngestInput, ctx: ToolContext): Promise<RagIngestOutput> {
    return this.rag.ingest(input.documents, {
      signal: ctx.signal,
      onProgress: (done, total, message) => ctx.reportProgress(done, total, message),
    });
  }

  search(input: RagSearchInput, ctx: ToolContext): Promise<RagSearchOutput> {
    return this.rag.search(input, { signal: ctx.signal });
  }

  list(input: RagListDocumentsInput): Promise<RagDocumentList> {
    return this.rag.list(input);
  }

  delete(input: RagDocumentIdInput): Promise<RagDeletedDocument> {
    return this.rag.delete(input.id);
  }

  /** A document as the `rag://documents/{id}` resource: its title as a heading, then its text; undefined when unknown. */
  async readDocument(id: string): Promise<ResourceContent | undefined> {
    if (!isUUID(id)) return undefined;
    try {
      const document = await this.rag.get(id);
      return { text: document.title ? `# ${document.title}\n\n${document.content}` : document.content, mimeType: 'text/markdown' };
    } catch (error) {
      if (error instanceof ToolNotFoundException) return undefined;
      throw error;
    }
  }

  /** The resource template the registrar registers alongside the tools. */
  resourceTemplate(): ResourceTemplateEntry {
    return {
      uriTemplate: 'rag://documents/{id}',
      name: 'rag_document',
      title: 'Knowledge-base document',
      description: 'An ingested document (its title as a heading, then its full text), by id as rag_search and rag_list_documents answer it.',
      mimeType: 'text/markdown',
      scopes: ['rag:read'],
      list: async (cursor) => {
        const { documents, next } = await this.rag.page(LISTED_DOCUMENT_RESOURCES, cursor === undefined ? undefined : decodeDocumentCursor(cursor));
        return {
          resources: documents.map((document) => ({
            uri: document.uri,
            name: document.title ?? document.source ?? document.id,
            ...(document.title ? { title: document.title } : {}),
            mimeType: 'text/markdown',
          })),
          ...(next ? { nextCursor: encodeDocumentCursor(next) } : {}),
        };
      },
      read: (_uri, match) => this.readDocument(match.id),
      complete: { id: (partial) => this.rag.suggestIds(partial, DOCUMENT_SUGGESTIONS) },
    };
  }

  entries(): RagToolEntry[] {
    return [
      {
        options: {
          name: 'rag_ingest',
          title: 'Add documents to the knowledge base',
          description:
            `Adds up to ${MAX_DOCUMENTS_PER_INGEST} documents (text or Markdown, at most ${Math.floor(this.config.maxDocumentBytes / 1024)} KiB and ${this.config.maxChunksPerDocument} chunks each) to the ` +
            'searchable knowledge base: splits them into chunks and indexes them for rag_search. Idempotent: a text already ' +
            'stored is left alone; a known `source` with new text replaces the old version. Answers ids and chunk counts.',
          input: RagIngestInput,
          output: RagIngestOutput,
          annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
          timeoutMs: 50_000,
          scopes: ['rag:write'],
        },
        source: 'RagTools.ingest',
        handler: (input, ctx) => this.ingest(input as RagIngestInput, ctx),
      },
      {
        options: {
          name: 'rag_search',
          title: 'Search the knowledge base',
          description:
            'Finds the passages of ingested documents that best answer a query: semantic (vector) and keyword (full-text) ' +
            'search fused by reciprocal rank (mode hybrid, the default), or either alone. Answers chunks with their text, ' +
            'scores, headings and document id, title, source and uri. Filter by source or metadata.',
          input: RagSearchInput,
          output: RagSearchOutput,
          annotations: READ_ONLY,
          timeoutMs: 15_000,
          scopes: ['rag:read'],
          resourceLinks: documentLinks,
        },
        source: 'RagTools.search',
        handler: (input, ctx) => this.search(input as RagSearchInput, ctx),
      },
      {
        options: {
          name: 'rag_list_documents',
          title: 'List knowledge-base documents',
          description: 'Lists the ingested documents (id, source, title, metadata, chunk count, embedder, dates), oldest first, a page at a time.',
          input: RagListDocumentsInput,
          output: RagDocumentList,
          annotations: READ_ONLY,
          scopes: ['rag:read'],
        },
        source: 'RagTools.list',
        handler: (input) => this.list(input as RagListDocumentsInput),
      },
      {
        options: {
          name: 'rag_delete_document',
          title: 'Delete a knowledge-base document',
          description: 'Deletes one ingested document and all its chunks. It cannot be recovered (ingest it again to restore it).',
          input: RagDocumentIdInput,
          output: RagDeletedDocument,
          annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
          scopes: ['rag:write'],
        },
        source: 'RagTools.delete',
        handler: (input) => this.delete(input as RagDocumentIdInput),
      },
    ];
  }
}
