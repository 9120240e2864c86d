import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { PACKAGE_INFO } from './config/package-info';
import { Public } from './platform/auth/public.decorator';

export interface ServiceInfo {
  readonly name: string;
  readonly version: string;
  readonly paths: Readonly<Record<string, string>>;
}

/** `GET /`: what this service is and where its endpoints live. */
@Controller()
@Public()
@SkipThrottle()
export class AppController {
  @Get()
  info(): ServiceInfo {
    return {
      name: PACKAGE_INFO.name,
      version: PACKAGE_INFO.version,
      paths: { mcp: '/mcp', docs: '/docs', health: '/health', metrics: '/metrics' },
    };
  }
}
