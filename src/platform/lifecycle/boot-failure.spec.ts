import { ConfigValidationError } from '../../config/validate-environment';
import { BootFailure, bootFailureMessage } from './boot-failure';

describe('bootFailureMessage', () => {
  it('says what failed and what to do for a BootFailure', () => {
    const failure = new BootFailure('the embedded database cannot use DB_DATA_DIR=/x', 'Make it writable');
    expect(bootFailureMessage(failure)).toBe('Startup failed: the embedded database cannot use DB_DATA_DIR=/x. Make it writable');
  });

  it('names the code and path of a file-system error, and the port of an address in use', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/srv/log' });
    expect(bootFailureMessage(denied)).toBe('Startup failed: EACCES on /srv/log. Make it writable by this user, or point the setting that names it elsewhere');
    expect(bootFailureMessage(Object.assign(new Error('listen'), { code: 'EADDRINUSE' }))).toMatch(/already in use.*PORT/);
  });

  it('keeps the configuration error list, and only the first line of anything else (no stack)', () => {
    const config = new ConfigValidationError(['PORT must not be greater than 65535']);
    expect(bootFailureMessage(config)).toBe(config.message);
    expect(bootFailureMessage(new Error('broken\n    at somewhere (file.js:1:1)'))).toBe('Startup failed: broken');
  });
});
