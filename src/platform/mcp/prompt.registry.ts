import { Injectable } from '@nestjs/common';
import { scopesAllow } from '../auth/scopes';
import { RegisteredPrompt } from './registered-prompt';

/**
 * Every prompt of the server, filled once at bootstrap by the explorer; listed in name order. While it is empty
 * the server advertises no `prompts` capability.
 */
@Injectable()
export class PromptRegistry {
  private readonly prompts = new Map<string, RegisteredPrompt>();
  private sorted: readonly RegisteredPrompt[] = [];

  register(prompt: RegisteredPrompt): void {
    const existing = this.prompts.get(prompt.definition.name);
    if (existing) {
      throw new Error(`Duplicate MCP prompt name "${prompt.definition.name}": declared by ${existing.source} and ${prompt.source}`);
    }
    this.prompts.set(prompt.definition.name, prompt);
    this.sorted = [...this.prompts.values()].sort((a, b) => (a.definition.name < b.definition.name ? -1 : 1));
  }

  get empty(): boolean {
    return this.prompts.size === 0;
  }

  get size(): number {
    return this.prompts.size;
  }

  get(name: string): RegisteredPrompt | undefined {
    return this.prompts.get(name);
  }

  /** The prompts a caller holding `scopes` may see and get, in name order. */
  listFor(scopes: readonly string[]): readonly RegisteredPrompt[] {
    return this.sorted.filter((prompt) => scopesAllow(scopes, prompt.scopes));
  }
}
