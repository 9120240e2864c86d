import { IsString } from 'class-validator';
import { defaultToolScopes, registeredToolFrom } from './registered-tool';

class NoInput {}
class TextInput {
  @IsString()
  text!: string;
}

describe('family default scopes', () => {
  it('are <family>:read for a read-only tool, <family>:write otherwise, none without a family', () => {
    expect(defaultToolScopes('sql', true)).toEqual(['sql:read']);
    expect(defaultToolScopes('rag', false)).toEqual(['rag:write']);
    expect(defaultToolScopes(undefined, false)).toEqual([]);
  });

  it('refuse a family name that would make odd scopes', () => {
    for (const family of ['', 'Sql', 'a b', 'x:y', '*']) expect(() => defaultToolScopes(family, true)).toThrow(`tool family "${family}" must match`);
  });

  it('apply unless @McpTool names scopes, which then stand alone', () => {
    const handler = (): string => 'ok';
    const base = { name: 'put_thing', description: 'Puts a thing', input: TextInput, annotations: { readOnlyHint: false } };
    expect(registeredToolFrom('T.put', base, handler, 'crm').scopes).toEqual(['crm:write']);
    expect(registeredToolFrom('T.put', { ...base, scopes: ['crm:admin'] }, handler, 'crm').scopes).toEqual(['crm:admin']);
    expect(registeredToolFrom('T.get', { ...base, input: NoInput, annotations: { readOnlyHint: true } }, handler).scopes).toEqual([]);
  });
});
