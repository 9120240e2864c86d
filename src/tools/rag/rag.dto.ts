import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsBoundedJsonObject } from './bounded-json-object.validator';
import { MAX_DOCUMENT_BYTES_CEILING, MAX_DOCUMENTS_PER_INGEST, MAX_SOURCE_LENGTH, MAX_TITLE_LENGTH, METADATA_BOUNDS } from './rag.constants';

export const RAG_SEARCH_MODES = ['hybrid', 'vector', 'text'] as const;

/** PostgreSQL text and jsonb cannot hold U+0000 (the insert failed, answered `error`): refuse it up front. */
const NoNulCharacter = (): PropertyDecorator => Matches(/^[^\0]*$/, { message: '$property must not contain U+0000 (PostgreSQL text cannot hold it)' });

/** One document handed to rag_ingest. */
export class RagIngestDocument {
  @JSONSchema({ description: 'The text, plain or Markdown (headings are kept as context), at most RAG_MAX_DOCUMENT_BYTES bytes as UTF-8 (1 MiB by default)' })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_DOCUMENT_BYTES_CEILING)
  @NoNulCharacter()
  text!: string;

  @JSONSchema({ description: 'A title to show with the results' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_TITLE_LENGTH)
  @NoNulCharacter()
  title?: string;

  @JSONSchema({
    description: 'Where the text comes from (a path or URL). A source identifies a document: ingesting it again with new text replaces it',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_SOURCE_LENGTH)
  @NoNulCharacter()
  source?: string;

  @JSONSchema({
    description: `Free-form JSON object stored with the document; rag_search can filter on its keys. At most ${METADATA_BOUNDS.maxBytes} bytes as JSON, ${METADATA_BOUNDS.maxDepth} levels deep, ${METADATA_BOUNDS.maxKeys} keys in all`,
  })
  @IsOptional()
  @IsObject()
  @IsBoundedJsonObject(METADATA_BOUNDS)
  metadata?: Record<string, unknown>;
}

export class RagIngestInput {
  @JSONSchema({ description: `Documents to add or replace, at most ${MAX_DOCUMENTS_PER_INGEST}` })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DOCUMENTS_PER_INGEST)
  @ValidateNested({ each: true })
  @Type(() => RagIngestDocument)
  documents!: RagIngestDocument[];
}

export class RagIngestedDocument {
  @IsUUID()
  id!: string;

  @IsOptional()
  @IsString()
  source?: string;

  @JSONSchema({ description: '`created`, `replaced` (same source, new text) or `unchanged` (same text already stored)' })
  @IsIn(['created', 'replaced', 'unchanged'])
  status!: 'created' | 'replaced' | 'unchanged';

  @IsInt()
  chunks!: number;
}

export class RagIngestOutput {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RagIngestedDocument)
  documents!: RagIngestedDocument[];

  @JSONSchema({ description: 'Chunks written by this call' })
  @IsInt()
  chunks_written!: number;
}

export class RagSearchFilter {
  @JSONSchema({ description: 'Only chunks of the document with this source' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_SOURCE_LENGTH)
  @NoNulCharacter()
  source?: string;

  @JSONSchema({ description: 'Only documents whose metadata contains all these keys with these values (JSON containment); bounded like a document\'s metadata' })
  @IsOptional()
  @IsObject()
  @IsBoundedJsonObject(METADATA_BOUNDS)
  metadata?: Record<string, unknown>;
}

export class RagSearchInput {
  @JSONSchema({ description: 'What to look for: a question, keywords, or "quoted phrases" (-word excludes a word in text mode)' })
  @IsString()
  @Length(1, 2000)
  @NoNulCharacter()
  query!: string;

  @JSONSchema({ description: 'How many chunks to answer' })
  @IsInt()
  @Min(1)
  @Max(50)
  k = 5;

  @JSONSchema({ description: 'hybrid (vector and full text fused by reciprocal rank), vector (semantic only) or text (keywords only)' })
  @IsIn(RAG_SEARCH_MODES)
  mode: (typeof RAG_SEARCH_MODES)[number] = 'hybrid';

  @JSONSchema({ description: 'Restrict the search to some documents' })
  @IsOptional()
  @ValidateNested()
  @Type(() => RagSearchFilter)
  filter?: RagSearchFilter;
}

export class RagSearchHit {
  @IsUUID()
  document_id!: string;

  @IsOptional()
  @IsString()
  title?: string;

  @IsOptional()
  @IsString()
  source?: string;

  @JSONSchema({ description: 'Position of the chunk in its document, from 0' })
  @IsInt()
  ordinal!: number;

  @JSONSchema({ description: 'The Markdown headings the chunk sits under' })
  @IsOptional()
  @IsString()
  heading?: string;

  @IsString()
  text!: string;

  @JSONSchema({ description: 'Fused score (reciprocal rank fusion): higher is better' })
  @IsNumber()
  score!: number;

  @JSONSchema({ description: 'Cosine similarity to the query, when the chunk was in the vector list' })
  @IsOptional()
  @IsNumber()
  similarity?: number;

  @JSONSchema({ description: 'Full-text rank (ts_rank_cd), when the chunk matched the keywords' })
  @IsOptional()
  @IsNumber()
  text_score?: number;

  @JSONSchema({ description: 'The document as an MCP resource' })
  @IsString()
  uri!: string;
}

export class RagSearchOutput {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RagSearchHit)
  results!: RagSearchHit[];

  @IsIn(RAG_SEARCH_MODES)
  mode!: string;

  @JSONSchema({ description: 'The embedder the query and the store use' })
  @IsString()
  embedder!: string;
}

export class RagListDocumentsInput {
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 20;

  @JSONSchema({ description: 'How many documents to skip, for the next pages (at most 1,000,000)' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset = 0;

  @JSONSchema({ description: 'Only the document with this source' })
  @IsOptional()
  @IsString()
  @Length(1, MAX_SOURCE_LENGTH)
  @NoNulCharacter()
  source?: string;
}

export class RagDocumentSummary {
  @IsUUID()
  id!: string;

  @IsOptional()
  @IsString()
  source?: string;

  @IsOptional()
  @IsString()
  title?: string;

  @IsObject()
  metadata!: Record<string, unknown>;

  @IsInt()
  chunks!: number;

  @IsString()
  content_sha256!: string;

  @IsString()
  embedder!: string;

  @IsDateString()
  created_at!: string;

  @IsDateString()
  updated_at!: string;

  @IsString()
  uri!: string;
}

export class RagDocumentList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RagDocumentSummary)
  documents!: RagDocumentSummary[];

  @JSONSchema({ description: 'How many documents match, before limit/offset' })
  @IsInt()
  total!: number;
}

export class RagDocumentIdInput {
  @JSONSchema({ description: 'Id of the document, as answered by rag_ingest, rag_search or rag_list_documents' })
  @IsUUID()
  id!: string;
}

export class RagDeletedDocument {
  @IsUUID()
  id!: string;

  @IsOptional()
  @IsString()
  source?: string;

  @JSONSchema({ description: 'Chunks deleted with it' })
  @IsInt()
  chunks!: number;
}
