import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export class GetCustomerInput {
  @JSONSchema({ description: 'Id of the customer in the customers API: a positive integer' })
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  customer_id!: number;
}

/** A customer as the customers API answers it; fields it adds beyond these are dropped. */
export class ApiCustomer {
  @JSONSchema({ description: 'Id of the customer' })
  @IsInt()
  id!: number;

  @JSONSchema({ description: 'Full name' })
  @IsString()
  @MaxLength(10_000)
  name!: string;

  @JSONSchema({ description: 'E-mail address' })
  @IsString()
  @MaxLength(10_000)
  email!: string;

  @JSONSchema({ description: 'When the customer was created (ISO 8601), when the API says' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  created_at?: string;
}
