import { leadingKeyword } from './pg-statement';

describe('leadingKeyword', () => {
  it('answers the first word of a statement, upper-cased', () => {
    expect(leadingKeyword('select 1')).toBe('SELECT');
    expect(leadingKeyword('\n  With x as (select 1) select * from x')).toBe('WITH');
    expect(leadingKeyword('VALUES(1)')).toBe('VALUES');
    expect(leadingKeyword('table customers')).toBe('TABLE');
  });

  it('answers undefined for anything that is not a plain keyword: never caller text', () => {
    expect(leadingKeyword("'secret' select")).toBeUndefined();
    expect(leadingKeyword('/* comment */ select 1')).toBeUndefined();
    expect(leadingKeyword('selectsomethingveryverylong from x')).toBeUndefined();
    expect(leadingKeyword('sélect 1')).toBeUndefined();
    expect(leadingKeyword('')).toBeUndefined();
    expect(leadingKeyword(' '.repeat(5000) + 'select')).toBeUndefined();
  });
});
