import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { PACKAGE_INFO } from './config/package-info';
import { Public } from './platform/auth/public.decorator';

export interface ServiceInfo {
  readonly name: string;
  readonly version: string;
  readonly paths: Readonly<Record<string, string>>;
  /** The original design's root document: the same facts, flat. */
  readonly service: string;
  readonly docs: string;
  readonly health: string;
  readonly metrics: string;
}

const PATHS = { mcp: '/mcp', docs: '/docs', health: '/health', metrics: '/metrics' } as const;

/** `GET /`: what this service is and where its endpoints live (in this server's shape and the original design's). */
@Controller()
@Public()
@SkipThrottle()
export class AppController {
  @Get()
  info(): ServiceInfo {
    return {
      name: PACKAGE_INFO.name,
      version: PACKAGE_INFO.version,
      paths: PATHS,
      service: PACKAGE_INFO.name,
      docs: PATHS.docs,
      health: PATHS.health,
      metrics: PATHS.metrics,
    };
  }
}
