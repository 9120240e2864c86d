import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { dtoJsonSchema, JsonSchema } from './dto-json-schema';

class Coordinates {
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat!: number;

  @IsNumber()
  @Min(-180)
  @Max(180)
  lon!: number;
}

class Address {
  @JSONSchema({ description: 'Street and house number' })
  @IsString()
  street!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => Coordinates)
  coordinates?: Coordinates;
}

class Label {
  @IsString()
  @MaxLength(20)
  text!: string;
}

class SearchInput {
  @JSONSchema({ description: 'Words to look for' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  query!: string;

  @JSONSchema({ description: 'How many results at most' })
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 10;

  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'asc';

  @IsOptional()
  @IsBoolean()
  exact?: boolean;

  @IsNumber()
  @Min(0)
  @Max(1)
  min_score!: number;

  @ValidateNested()
  @Type(() => Address)
  address!: Address;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Label)
  labels: Label[] = [];
}

class FlatInput {
  @IsString()
  name!: string;
}

class NoArguments {}

const properties = (schema: JsonSchema): Record<string, JsonSchema> => schema.properties as Record<string, JsonSchema>;
const defs = (schema: JsonSchema): Record<string, JsonSchema> => schema.$defs as Record<string, JsonSchema>;

describe('dtoJsonSchema()', () => {
  const schema = dtoJsonSchema(SearchInput);

  it('is an object schema that refuses unknown properties, like the validator', () => {
    expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('maps each property type and its bounds', () => {
    expect(properties(schema)).toMatchObject({
      query: { type: 'string', minLength: 1, maxLength: 200 },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
      order: { type: 'string', enum: ['asc', 'desc'] },
      exact: { type: 'boolean' },
      min_score: { type: 'number', minimum: 0, maximum: 1 },
      labels: { type: 'array', items: { $ref: '#/$defs/Label' } },
      address: { $ref: '#/$defs/Address' },
    });
  });

  it('documents the defaults of initialised properties and leaves them out of `required`', () => {
    expect(properties(schema).limit.default).toBe(10);
    expect(properties(schema).order.default).toBe('asc');
    expect(properties(schema).labels.default).toEqual([]);
    expect(properties(schema).query).not.toHaveProperty('default');
    expect(schema.required).toEqual(['query', 'min_score', 'address']);
  });

  it('leaves @IsOptional() properties out of `required`', () => {
    expect(schema.required).not.toContain('exact');
  });

  it('carries @JSONSchema({ description }) onto the property, also in nested DTOs', () => {
    expect(properties(schema).query.description).toBe('Words to look for');
    expect(properties(schema).limit).toMatchObject({ description: 'How many results at most', default: 10 });
    expect(properties(defs(schema).Address).street.description).toBe('Street and house number');
  });

  it('puts nested DTOs, and the DTOs they nest, in $defs, each refusing unknown properties', () => {
    expect(Object.keys(defs(schema)).sort()).toEqual(['Address', 'Coordinates', 'Label']);
    expect(defs(schema).Label).toMatchObject({
      type: 'object',
      properties: { text: { type: 'string', maxLength: 20 } },
      required: ['text'],
      additionalProperties: false,
    });
    expect(defs(schema).Address).toMatchObject({
      type: 'object',
      properties: { coordinates: { $ref: '#/$defs/Coordinates' } },
      required: ['street'],
      additionalProperties: false,
    });
    expect(defs(schema).Coordinates).toMatchObject({
      properties: { lat: { type: 'number', minimum: -90, maximum: 90 } },
      required: ['lat', 'lon'],
      additionalProperties: false,
    });
  });

  it('is self-contained: every $ref points into its own $defs', () => {
    const refs = [...JSON.stringify(schema).matchAll(/"\$ref":"#\/\$defs\/(\w+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(defs(schema)).toHaveProperty(name);
  });

  it('has no $defs when nothing is nested', () => {
    const flat = dtoJsonSchema(FlatInput);
    expect(flat).toEqual({
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    });
  });

  it('gives an empty DTO an empty object schema with no `required`', () => {
    expect(dtoJsonSchema(NoArguments)).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });

  it('is plain JSON (what tools/list and the OpenAPI document carry)', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('dtoJsonSchema with nested classes that share a name', () => {
  const first = (() => {
    class Item {
      @IsString()
      sku!: string;
    }
    return Item;
  })();
  const second = (() => {
    class Item {
      @IsInt()
      @Min(1)
      quantity = 1;
    }
    return Item;
  })();

  class Order {
    @ValidateNested()
    @Type(() => first)
    product!: InstanceType<typeof first>;

    @ValidateNested()
    @Type(() => second)
    line!: InstanceType<typeof second>;
  }

  it('keeps each class its own $defs entry, with its own defaults', () => {
    const schema = dtoJsonSchema(Order) as { properties: Record<string, { $ref: string }>; $defs: Record<string, JsonSchema> };
    expect(schema.properties.product.$ref).toBe('#/$defs/Item');
    expect(schema.properties.line.$ref).toBe('#/$defs/Item_2');
    expect(schema.$defs.Item).toMatchObject({ properties: { sku: { type: 'string' } }, required: ['sku'] });
    expect(schema.$defs.Item_2).toMatchObject({ properties: { quantity: { type: 'integer', default: 1 } } });
    expect(schema.$defs.Item_2.required).toBeUndefined();
  });

  it('gives a custom constraint on a free-form object no dangling $ref (the library pointed at a `$defs/Object` no document holds)', () => {
    const Small = (): PropertyDecorator => (target, propertyName) =>
      registerDecorator({ name: 'small', target: target.constructor, propertyName: propertyName as string, validator: { validate: () => true } });
    class WithMetadata {
      @IsOptional()
      @IsObject()
      @Small()
      metadata?: Record<string, unknown>;

      @Small()
      label!: string;
    }
    const schema = dtoJsonSchema(WithMetadata) as { properties: Record<string, JsonSchema>; $defs?: unknown };
    expect(schema.properties.metadata).toEqual({ type: 'object' });
    expect(schema.properties.label).toEqual({ type: 'string' });
    expect(JSON.stringify(schema)).not.toContain('$ref');
  });
});
