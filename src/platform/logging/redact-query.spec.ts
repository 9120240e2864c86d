import { redactUrl } from '../../config/redact-url';
import { redactQuery } from './redact-query';

describe('redactQuery', () => {
  it('hides the values of secret-looking parameters and keeps the rest', () => {
    expect(redactQuery('/mcp?api_key=s3cr3t&page=2&access_token=t0k&Signature=x')).toBe(
      '/mcp?api_key=%5BRedacted%5D&page=2&access_token=%5BRedacted%5D&Signature=%5BRedacted%5D',
    );
  });

  it('leaves a path without a query alone', () => {
    expect(redactQuery('/health')).toBe('/health');
  });
});

describe('redactUrl', () => {
  it('removes the password of a database URL', () => {
    expect(redactUrl('postgres://app:pa55word@db.internal:5432/app')).toBe('postgres://app:***@db.internal:5432/app');
  });

  it('hides secret query parameters and survives garbage', () => {
    expect(redactUrl('redis://cache:6379/0?password=abc')).not.toContain('abc');
    expect(redactUrl('not a url')).toBe('<unparseable url>');
  });
});
