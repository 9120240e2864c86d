import { DtoClass } from './mcp-tool-options.interface';

/** One property of a DTO class built at runtime: its class-validator decorators and optional default. */
/** A property decorator as class-validator and class-validator-jsonschema declare theirs. */
export type DtoPropertyDecorator = (target: object, propertyKey: string) => void;

export interface RuntimeDtoProperty {
  readonly name: string;
  readonly decorators: readonly DtoPropertyDecorator[];
  readonly default?: unknown;
}

/** `orders_by_customer` → `OrdersByCustomer`. */
export function pascalCase(snakeName: string): string {
  return snakeName
    .split('_')
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

/**
 * A DTO class for tools declared by configuration (SQL catalog, OpenAPI operations), built the way a
 * hand-written one is: decorators applied to the prototype as `@IsInt()` would be, defaults assigned by the
 * constructor (where the validator and `dtoJsonSchema` find them).
 *
 * @example
 * const Input = runtimeDtoClass('SqlCatalogOrdersInput', [{ name: 'limit', decorators: [IsInt(), Min(1)], default: 50 }]);
 */
export function runtimeDtoClass(className: string, properties: readonly RuntimeDtoProperty[]): DtoClass {
  const defaults = properties.filter((property) => property.default !== undefined);
  const Dto = class {
    constructor() {
      for (const property of defaults) {
        Object.defineProperty(this, property.name, { value: property.default, writable: true, enumerable: true, configurable: true });
      }
    }
  };
  Object.defineProperty(Dto, 'name', { value: className });
  for (const property of properties) {
    for (const decorate of property.decorators) decorate(Dto.prototype, property.name);
  }
  return Dto;
}
