import { IsString, MaxLength } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';

export class EchoInput {
  @JSONSchema({ description: 'Text to send back unchanged' })
  @IsString()
  @MaxLength(10_000)
  text!: string;
}

export class EchoOutput {
  @IsString()
  text!: string;

  @JSONSchema({ description: 'Request id of this call, for correlating with server logs' })
  @IsString()
  request_id!: string;
}
