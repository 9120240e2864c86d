import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { DescribeTableInput } from './sql.dto';

/** `explore_table`'s arguments: the table and schema `sql_describe_table` takes. */
export class ExploreTableArgs extends DescribeTableInput {}

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
