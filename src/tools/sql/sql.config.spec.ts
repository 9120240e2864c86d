import { ConfigValidationError, validateEnvironment } from '../../config/validate-environment';

describe('SQL byte caps and extension allowlist settings', () => {
  it('default to 8 MiB a result, 1 MiB a field, work_mem 4096 kB and no extension function', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({ SQL_MAX_RESULT_BYTES: 8_388_608, SQL_MAX_FIELD_BYTES: 1_048_576, SQL_WORK_MEM_KB: 4096, SQL_ALLOWED_EXTENSION_FUNCTIONS: [] });
  });

  it('reads a comma-separated allowlist', () => {
    expect(validateEnvironment({ SQL_ALLOWED_EXTENSION_FUNCTIONS: 'crosstab,normal_rand' }).SQL_ALLOWED_EXTENSION_FUNCTIONS).toEqual(['crosstab', 'normal_rand']);
  });

  it.each<[Record<string, string>, string]>([
    [{ SQL_MAX_FIELD_BYTES: '2000000', SQL_MAX_RESULT_BYTES: '1000000' }, 'SQL_MAX_FIELD_BYTES=2000000: SQL_MAX_FIELD_BYTES must not exceed SQL_MAX_RESULT_BYTES'],
    [{ SQL_MAX_RESULT_BYTES: '100' }, 'SQL_MAX_RESULT_BYTES'],
    [{ SQL_WORK_MEM_KB: '10' }, 'SQL_WORK_MEM_KB'],
    [{ SQL_ALLOWED_EXTENSION_FUNCTIONS: 'Crosstab' }, 'SQL_ALLOWED_EXTENSION_FUNCTIONS must hold lower-case function names'],
  ])('refuses %j', (raw, problem) => {
    expect(() => validateEnvironment(raw)).toThrow(ConfigValidationError);
    expect(() => validateEnvironment(raw)).toThrow(problem);
  });
});
