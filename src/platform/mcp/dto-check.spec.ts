import { Transform, Type } from 'class-transformer';
import {
  Allow,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { dtoCheck as compiledCheck, prepareDtoCheck } from './dto-check';
import { classValidatorVerdict, validateDto } from './dto-validator';
import { DtoClass } from './mcp-tool-options.interface';

class Lengths {
  @IsString() @MaxLength(3) short!: string;
  @IsOptional() @IsString() @MinLength(2) atLeastTwo?: string;
  @IsOptional() @Length(2, 4) twoToFour?: string;
  @IsOptional() @Matches(/^.{1,2}$/) oneOrTwoUnits?: string;
}

class Numbers {
  @IsOptional() @IsNumber() ratio?: number;
  @IsOptional() @Min(1) bare?: number;
  @IsOptional() @IsInt() @Max(10) count?: number;
  @IsOptional() @IsIn(['a', 1, null]) pick?: unknown;
  @IsOptional() @IsBoolean() flag?: boolean;
}

class Defaults {
  @IsInt() @Max(5) limit = 50;
}

class Item {
  @IsString() name!: string;
}

class Order {
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
  @IsOptional() @ValidateNested() @Type(() => Item) main?: Item;
  @IsOptional() @IsArray() @IsString({ each: true }) tags?: string[];
  @IsOptional() @Allow() note?: unknown;
}

let customSeen: unknown[] = [];
function IsEvenLength(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isEvenLength',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { each: true },
      validator: {
        validate(value: unknown, args) {
          customSeen.push(args?.object);
          return typeof value === 'string' && value.length % 2 === 0;
        },
      },
    });
}

class Custom {
  @IsEvenLength() words!: string[];
}

class Conditional {
  @ValidateIf((object: { on?: boolean }) => object.on === true) @IsString() name?: string;
}

class Transformed {
  @Transform(({ value }: { value: unknown }) => String(value)) @IsString() text!: string;
}

class Grouped {
  @IsString({ groups: ['admin'] }) text!: string;
}

class Async {
  @IsString() text!: string;
}
registerDecorator({ name: 'slow', target: Async, propertyName: 'text', async: true, validator: { validate: () => Promise.resolve(true) } });

class Untyped {
  @ValidateNested() child!: Item;
}

/** The compiled check of `dto`, compiled now (a first use queues it for the background). */
function check<T extends object>(dto: DtoClass<T>): ReturnType<typeof compiledCheck<T>> {
  prepareDtoCheck(dto);
  return compiledCheck(dto);
}

/** What the compiled check and class-validator each say of `plain`: the instance or undefined, and ok. */
async function verdicts(dto: DtoClass, plain: object, mode: 'refuse' | 'drop' = 'refuse'): Promise<{ vouched: boolean; classValidator: boolean }> {
  const vouched = check(dto)?.accept(plain, mode) !== undefined;
  return { vouched, classValidator: (await classValidatorVerdict(dto, plain, mode)).ok };
}

describe('compiled DTO checks', () => {
  it.each([
    ['astral characters within MaxLength (class-validator counts code points)', Lengths, { short: '😀😀😀' }, true],
    ['one UTF-16 unit over MaxLength', Lengths, { short: 'abcd' }, false],
    ['a letter and its variation selector for MinLength(2) (class-validator counts one)', Lengths, { short: 'a', atLeastTwo: 'a\uFE0F' }, false],
    ['Length(2, 4) met', Lengths, { short: 'a', twoToFour: 'abc' }, true],
    ['a pattern class-validator runs without the u flag (an astral character is two units)', Lengths, { short: 'a', oneOrTwoUnits: '😀' }, true],
    ['a pattern not met', Lengths, { short: 'a', oneOrTwoUnits: 'abc' }, false],
    ['NaN for IsNumber', Numbers, { ratio: NaN }, false],
    ['Infinity for IsNumber', Numbers, { ratio: Infinity }, false],
    ['a string for a bare Min', Numbers, { bare: 'abc' }, false],
    ['a fraction for IsInt', Numbers, { count: 1.5 }, false],
    ['over Max', Numbers, { count: 11 }, false],
    ['null among IsIn values', Numbers, { pick: null }, true],
    ['a value not in IsIn', Numbers, { pick: '1' }, false],
    ['a string for IsBoolean', Numbers, { flag: 'true' }, false],
    ['a boolean for IsBoolean', Numbers, { flag: false }, true],
    ['a default that breaks its own rule, left out', Defaults, {}, false],
    ['a nested array of valid items', Order, { items: [{ name: 'a' }], main: { name: 'b' }, tags: ['x'], note: { any: 1 } }, true],
    ['a nested item of the wrong type', Order, { items: [{ name: 1 }] }, false],
    ['a string where each item must be nested', Order, { items: 'a' }, false],
    ['a custom each-constraint met on every item', Custom, { words: ['ab', 'cdef'] }, true],
    ['a custom each-constraint broken by one item', Custom, { words: ['ab', 'c'] }, false],
  ])('%s: the check vouches only when class-validator accepts', async (_case, dto, plain, accepted) => {
    const { vouched, classValidator } = await verdicts(dto as DtoClass, plain);
    expect(classValidator).toBe(accepted);
    expect(vouched).toBe(accepted);
  });

  it('leaves to class-validator what it cannot vouch for, so the answer is still class-validator’s', async () => {
    // IsOptional takes null; the schema does not: class-validator decides, and accepts.
    expect(await verdicts(Lengths, { short: 'a', atLeastTwo: null })).toEqual({ vouched: false, classValidator: true });
    // A Date where a nested DTO goes: class-transformer copies it and class-validator accepts it.
    expect(await verdicts(Order, { items: [], main: new Date(0) }, 'drop')).toEqual({ vouched: false, classValidator: true });
    // A key class-transformer drops from a free-form object.
    expect(await verdicts(Order, { items: [], note: { valueOf: 1 } })).toEqual({ vouched: false, classValidator: true });
    await expect(validateDto(Lengths, { short: 'a', atLeastTwo: null })).resolves.toEqual({ ok: true, value: expect.objectContaining({ atLeastTwo: null }) });
  });

  it('gives the tool an instance of the DTO with its defaults and nested instances', () => {
    const order = check(Order)?.accept({ items: [{ name: 'a' }], main: { name: 'b' } }, 'refuse');
    expect(order).toBeInstanceOf(Order);
    expect(order?.items[0]).toBeInstanceOf(Item);
    expect(order?.main).toBeInstanceOf(Item);
    class WithDefault {
      @IsInt() @Max(100) limit = 50;
    }
    expect(check(WithDefault)?.accept({}, 'refuse')).toEqual(Object.assign(new WithDefault(), { limit: 50 }));
  });

  it('refuses unknown fields at any level for arguments, with class-validator’s message', async () => {
    expect(check(Order)?.accept({ items: [{ name: 'a', extra: 1 }] }, 'refuse')).toBeUndefined();
    await expect(validateDto(Order, { items: [{ name: 'a', extra: 1 }] })).resolves.toEqual({
      ok: false,
      issues: [{ field: 'items[0].extra', message: 'is not an accepted field' }],
    });
  });

  it('drops unknown fields at any level for results, without touching the result', () => {
    const result = { items: [{ name: 'a', secret: 's' }], extra: true };
    const order = check(Order)?.accept(result, 'drop');
    expect(JSON.stringify(order)).toBe('{"items":[{"name":"a"}]}');
    expect(result).toEqual({ items: [{ name: 'a', secret: 's' }], extra: true });
  });

  it('calls a custom constraint with the arguments class-validator passes (the object under validation)', () => {
    customSeen = [];
    const custom = check(Custom)?.accept({ words: ['ab'] }, 'refuse');
    expect(customSeen).toEqual([custom]);
  });

  it('compiles a check after its first use, in the background: class-validator validates until then, and no call compiles', async () => {
    class Later {
      @IsString() text!: string;
    }
    expect(compiledCheck(Later)).toBeUndefined();
    await expect(validateDto(Later, { text: 'a' })).resolves.toEqual({ ok: true, value: Object.assign(new Later(), { text: 'a' }) });
    for (let turn = 0; turn < 5 && compiledCheck(Later) === undefined; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(compiledCheck(Later)?.accept({ text: 'a' }, 'refuse')).toBeInstanceOf(Later);
  });

  it.each([
    [Conditional, 'Conditional.name has a @ValidateIf'],
    [Transformed, 'Transformed.text has a class-transformer @Transform'],
    [Grouped, 'Grouped.text uses validation groups, always or validateIf'],
    [Async, 'Async.text: slow is asynchronous'],
    [Untyped, 'Untyped.child is nested without @Type(() => Class)'],
  ])('leaves %p to class-validator alone, saying why', async (dto, reason) => {
    expect(prepareDtoCheck(dto as DtoClass)).toBe(reason);
    expect(check(dto as DtoClass)).toBeUndefined();
    // And validation still works, through class-validator.
    await expect(validateDto(dto as DtoClass, { unknown: 1 })).resolves.toMatchObject({ ok: false });
  });
});
