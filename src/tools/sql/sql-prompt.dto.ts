import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

const IDENTIFIER = /^[^\0]{1,63}$/;

export class ExploreTableArgs {
  @JSONSchema({ description: 'Table (or view) to explore, as stored: unquoted names are lower case' })
  @IsString()
  @Matches(IDENTIFIER, { message: 'table must be a PostgreSQL identifier (1 to 63 characters)' })
  table!: string;

  @JSONSchema({ description: 'Schema of the table; when left out, the allowed schemas are searched in order' })
  @IsOptional()
  @IsString()
  @Matches(IDENTIFIER, { message: 'schema must be a PostgreSQL identifier (1 to 63 characters)' })
  schema?: string;
}

export class WriteQueryArgs {
  @JSONSchema({ description: 'The question the query should answer, in plain words' })
  @IsString()
  @Length(1, 2000)
  question!: string;

  @JSONSchema({ description: 'Tables to consider, comma-separated (e.g. "customers, orders"); all allowed tables (up to 20) when left out' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  tables?: string;
}
