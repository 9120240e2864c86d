import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { RAG_SEARCH_MODES } from './rag.dto';

export class RagAnswerArgs {
  @JSONSchema({ description: 'The question to answer from the knowledge base' })
  @IsString()
  @Length(1, 2000)
  @Matches(/^[^\0]*$/, { message: '$property must not contain U+0000 (PostgreSQL text cannot hold it)' })
  question!: string;

  @JSONSchema({ description: 'hybrid (default), vector (semantic only) or text (keywords only)' })
  @IsOptional()
  @IsIn(RAG_SEARCH_MODES)
  mode?: (typeof RAG_SEARCH_MODES)[number];
}
