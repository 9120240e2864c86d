import { SetMetadata } from '@nestjs/common';
import { Environment } from '../../config/environment';
import { PUBLIC_ROUTE } from './auth.constants';

type BooleanSetting = { [K in keyof Environment]: Environment[K] extends boolean ? K : never }[keyof Environment];

/**
 * Marks a route or controller as reachable without an API key, always or only when a boolean setting is on.
 *
 * @example
 * @Public() @Get('health') health() {}
 * @Public({ when: 'METRICS_PUBLIC' }) @Get('metrics') metrics() {}
 */
export const Public = (options: { when?: BooleanSetting } = {}): ClassDecorator & MethodDecorator =>
  SetMetadata(PUBLIC_ROUTE, options.when ?? true);

export type PublicRouteMetadata = true | BooleanSetting;
