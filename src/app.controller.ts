import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from './platform/auth/public.decorator';

const { name, version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

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
      name,
      version,
      paths: { mcp: '/mcp', docs: '/docs', health: '/health', metrics: '/metrics' },
    };
  }
}
