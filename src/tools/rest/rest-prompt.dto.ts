import { IsString, Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export class CustomerBriefArgs {
  @JSONSchema({ description: 'Id of the customer in the customers API: a positive integer' })
  @IsString()
  @Matches(/^[1-9][0-9]{0,14}$/, { message: 'customer_id must be a positive integer (at most 15 digits)' })
  customer_id!: string;
}
