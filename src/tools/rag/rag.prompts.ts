import { Injectable } from '@nestjs/common';
import { McpPromptOptions, PromptContext, PromptMessageOut, PromptOutput } from '../../platform/mcp/mcp-prompt-options.interface';
import { RagAnswerArgs } from './rag-prompt.dto';
import { RagSearchHit } from './rag.dto';
import { RagService } from './rag.service';

/** Chunks one answer_with_sources prompt embeds. */
export const ANSWER_SOURCES = 5;

/** A prompt of this family: its options (as `@McpPrompt` would take them) and its handler. */
export interface RagPromptEntry {
  readonly options: McpPromptOptions;
  readonly source: string;
  readonly handler: (args: object, ctx: PromptContext) => unknown;
}

function sourceText(hit: RagSearchHit, n: number): string {
  const label = hit.title ?? hit.source ?? hit.document_id;
  return `[${n}] ${label}${hit.heading ? ` — ${hit.heading}` : ''}\n\n${hit.text}`;
}

/**
 * The RAG prompts. Like the tools, registered by RagToolsRegistrar only when the store serves (not an
 * `@McpToolProvider()`).
 */
@Injectable()
export class RagPrompts {
  constructor(private readonly rag: RagService) {}

  /** Searches for the question, embeds the top chunks as resources and asks for an answer citing them. */
  async answerWithSources(args: RagAnswerArgs, ctx: PromptContext): Promise<PromptOutput> {
    const { results } = await this.rag.search({ query: args.question, k: ANSWER_SOURCES, mode: args.mode ?? 'hybrid' }, { signal: ctx.signal });
    const sources = results.map(
      (hit, i): PromptMessageOut => ({ role: 'user', content: { type: 'resource', resource: { uri: hit.uri, mimeType: 'text/markdown', text: sourceText(hit, i + 1) } } }),
    );
    const instructions =
      sources.length > 0
        ? `Answer the question below using only the ${sources.length} numbered sources embedded above. Cite every claim with its source ` +
          'number in brackets, e.g. [2], and list the cited sources (number and URI) at the end. If the sources do not answer the ' +
          'question, say so plainly instead of guessing; rag_search can look further.'
        : 'The knowledge base has no passage matching the question below. Say that it holds no answer, and suggest other words to search with rag_search.';
    return {
      description: `Answer from the knowledge base with ${sources.length} source(s)`,
      messages: [...sources, { role: 'user', content: { type: 'text', text: `${instructions}\n\nQuestion: ${args.question}` } }],
    };
  }

  entries(): RagPromptEntry[] {
    return [
      {
        options: {
          name: 'answer_with_sources',
          title: 'Answer with sources',
          description: 'Searches the knowledge base for a question, embeds the best passages as resources and asks for an answer that cites them.',
          arguments: RagAnswerArgs,
        },
        source: 'RagPrompts.answerWithSources',
        handler: (args, ctx) => this.answerWithSources(args as RagAnswerArgs, ctx),
      },
    ];
  }
}
