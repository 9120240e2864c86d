import { Global, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { ErrorResponder } from './error-responder.service';

@Global()
@Module({
  providers: [ErrorResponder, { provide: APP_FILTER, useClass: AllExceptionsFilter }],
  exports: [ErrorResponder],
})
export class ErrorsModule {}
