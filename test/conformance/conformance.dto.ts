import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export class NoArguments {}

class Address {
  @IsOptional()
  @IsString()
  street?: string;

  @IsOptional()
  @IsString()
  city?: string;
}
// The suite looks for `$defs.address`: the key is the nested class's name.
Object.defineProperty(Address, 'name', { value: 'address' });

/** The input of json_schema_2020_12_tool: `$schema` declared, a nested object in `$defs`, no other properties. */
@JSONSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema' } as never)
export class JsonSchema2020Input {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Address)
  address?: Address;
}

export class TwoArguments {
  @JSONSchema({ description: 'First test argument' })
  @IsString()
  arg1!: string;

  @JSONSchema({ description: 'Second test argument' })
  @IsString()
  arg2!: string;
}

export class ResourceUriArgument {
  @JSONSchema({ description: 'URI of the resource to embed' })
  @IsString()
  resourceUri!: string;
}
