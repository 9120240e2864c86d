import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { FieldIssue } from '../errors/tool.exception';
import { DtoValidation, validateDto } from './dto-validator';

class Tag {
  @IsString()
  @MaxLength(10)
  label!: string;
}

class Owner {
  @IsString()
  name!: string;
}

class NoteInput {
  @IsString()
  title!: string;

  @IsInt()
  @Min(1)
  @Max(100)
  limit = 10;

  @IsOptional()
  @IsString()
  comment?: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Tag)
  tags: Tag[] = [];

  @IsOptional()
  @ValidateNested()
  @Type(() => Owner)
  owner?: Owner;
}

class NoArguments {}

function issuesOf<T>(result: DtoValidation<T>): FieldIssue[] {
  if (result.ok) throw new Error(`expected validation to fail, got ${JSON.stringify(result.value)}`);
  return result.issues;
}

function valueOf<T>(result: DtoValidation<T>): T {
  if (!result.ok) throw new Error(`expected validation to pass, got ${JSON.stringify(result.issues)}`);
  return result.value;
}

describe('validateDto()', () => {
  describe('valid arguments', () => {
    it('returns an instance of the DTO with the defaults of its initialisers applied', async () => {
      const value = valueOf(await validateDto(NoteInput, { title: 'Groceries' }));
      expect(value).toBeInstanceOf(NoteInput);
      expect(value).toEqual({ title: 'Groceries', limit: 10, tags: [] });
    });

    it('keeps a value the caller gave over the default', async () => {
      const value = valueOf(await validateDto(NoteInput, { title: 'x', limit: 3 }));
      expect(value.limit).toBe(3);
    });

    it('builds nested DTO instances', async () => {
      const value = valueOf(await validateDto(NoteInput, { title: 'x', tags: [{ label: 'home' }], owner: { name: 'Ada' } }));
      expect(value.tags[0]).toBeInstanceOf(Tag);
      expect(value.owner).toBeInstanceOf(Owner);
    });

    it.each([undefined, null])('treats %p arguments as an empty object', async (plain) => {
      expect(valueOf(await validateDto(NoArguments, plain))).toBeInstanceOf(NoArguments);
      expect(issuesOf(await validateDto(NoteInput, plain))).toEqual([{ field: 'title', message: 'must be a string' }]);
    });
  });

  describe('bad arguments', () => {
    it('names the field and drops the property name from the message', async () => {
      expect(issuesOf(await validateDto(NoteInput, { title: 'x', limit: 500 }))).toEqual([
        { field: 'limit', message: 'must not be greater than 100' },
      ]);
    });

    it('reports every problem at once', async () => {
      const issues = issuesOf(await validateDto(NoteInput, { title: 7, limit: 0 }));
      expect(issues).toEqual(
        expect.arrayContaining([
          { field: 'title', message: 'must be a string' },
          { field: 'limit', message: 'must not be less than 1' },
        ]),
      );
    });

    it("refuses an unknown field with 'is not an accepted field'", async () => {
      expect(issuesOf(await validateDto(NoteInput, { title: 'x', colour: 'red' }))).toEqual([
        { field: 'colour', message: 'is not an accepted field' },
      ]);
    });

    it('refuses unknown fields inside nested DTOs, by their path', async () => {
      const issues = issuesOf(
        await validateDto(NoteInput, { title: 'x', tags: [{ label: 'a', colour: 'red' }], owner: { name: 'Ada', age: 36 } }),
      );
      expect(issues).toEqual(
        expect.arrayContaining([
          { field: 'tags[0].colour', message: 'is not an accepted field' },
          { field: 'owner.age', message: 'is not an accepted field' },
        ]),
      );
      expect(issues).toHaveLength(2);
    });

    it('names nested fields by their path (`tags[1].label`, `owner.name`)', async () => {
      const issues = issuesOf(
        await validateDto(NoteInput, { title: 'x', tags: [{ label: 'ok' }, { label: 7 }, { label: 'far too long' }], owner: { name: 1 } }),
      );
      expect(issues).toEqual(
        expect.arrayContaining([
          { field: 'tags[1].label', message: 'must be a string' },
          { field: 'tags[2].label', message: 'must be shorter than or equal to 10 characters' },
          { field: 'owner.name', message: 'must be a string' },
        ]),
      );
      expect(issues.map((issue) => issue.field)).not.toContain('tags[0].label');
    });

    it.each([
      ['a string', 'title=x'],
      ['a number', 42],
      ['a boolean', true],
      ['an array', [{ title: 'x' }]],
    ])('refuses arguments that are %s as `(arguments)`', async (_case, plain) => {
      expect(issuesOf(await validateDto(NoteInput, plain))).toEqual([{ field: '(arguments)', message: 'must be a JSON object' }]);
    });
  });

  describe("'drop' mode (tool results)", () => {
    it('strips unknown fields, nested ones too, instead of refusing them', async () => {
      const value = valueOf(
        await validateDto(
          NoteInput,
          { title: 'x', internal_id: 9, tags: [{ label: 'a', colour: 'red' }], owner: { name: 'Ada', password: 'p' } },
          'drop',
        ),
      );
      expect(JSON.parse(JSON.stringify(value))).toEqual({ title: 'x', limit: 10, tags: [{ label: 'a' }], owner: { name: 'Ada' } });
    });

    it('still refuses values of the wrong type', async () => {
      expect(issuesOf(await validateDto(NoteInput, { title: 1, extra: true }, 'drop'))).toEqual([
        { field: 'title', message: 'must be a string' },
      ]);
    });
  });

  it('refuses a constructor or __proto__ key anywhere, naming its path, instead of crashing class-transformer', async () => {
    const own = (json: string): unknown => JSON.parse(json) as unknown;
    expect(issuesOf(await validateDto(NoteInput, own('{"title":"x","tags":[{"label":"a","constructor":1}]}')))).toEqual([
      { field: 'tags[0].constructor', message: 'is a reserved key name (constructor and __proto__ are not accepted)' },
    ]);
    expect(issuesOf(await validateDto(NoteInput, own('{"title":"x","owner":{"name":"A","__proto__":{"admin":true}}}')))).toEqual([
      { field: 'owner.__proto__', message: 'is a reserved key name (constructor and __proto__ are not accepted)' },
    ]);
    expect(issuesOf(await validateDto(NoteInput, own('{"constructor":{"prototype":{}}}')))).toEqual([
      { field: 'constructor', message: 'is a reserved key name (constructor and __proto__ are not accepted)' },
    ]);
  });
});
