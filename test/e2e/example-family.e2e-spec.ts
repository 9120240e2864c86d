import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HealthIndicatorService } from '@nestjs/terminus';
import { register } from 'prom-client';
import { HealthModule } from '../../src/platform/health/health.module';
import { HealthChecksExplorer } from '../../src/platform/health/health-checks.explorer';
import { Note } from '../fixtures/example-family/notes.dto';
import { NotesModule } from '../fixtures/example-family/notes.module';
import { NotesRepository, NotesStoreUnavailableError } from '../fixtures/example-family/notes.repository';
import { createMcpTestKit, McpTestKit, McpTestKitOptions } from '../support/mcp-test-kit';

/**
 * The worked example of docs/extending.md, booted for real: the "notes" family driven through a real MCP
 * client, exactly as a team would test its own family.
 */

const bootKit = (options: McpTestKitOptions): Promise<McpTestKit> => createMcpTestKit(options);

/** The `{error, status, request_id}` body of an error result: JSON text (tools with an outputSchema). */
function errorBodyOf(result: unknown): Record<string, unknown> {
  return JSON.parse((result as { content: { text: string }[] }).content[0].text) as Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('example family (notes) through the MCP test kit', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await bootKit({ imports: [NotesModule, HealthModule] });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => kit.close());

  const create = async (args: Record<string, unknown>): Promise<Note> => {
    const result = await kit.client.callTool({ name: 'notes_create', arguments: args });
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as Note;
  };

  it('exposes exactly its four tools, with the annotations the explorer derives', async () => {
    const { tools } = await kit.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['notes_create', 'notes_delete', 'notes_get', 'notes_search']);
    const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(annotations).toEqual({
      notes_search: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      notes_get: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      notes_create: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      notes_delete: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    });
    expect(kit.logs.entries().map((entry) => entry.msg)).toEqual(
      expect.arrayContaining(['NotesTools.search -> notes_search', 'NotesTools.create -> notes_create']),
    );
  });

  it('derives the JSON Schema from the DTOs: descriptions, bounds, defaults, nested $defs', async () => {
    const { tools } = await kit.client.listTools();
    const createTool = tools.find((tool) => tool.name === 'notes_create');
    expect(createTool?.inputSchema).toMatchObject({
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 1, maxLength: 120, description: 'Short title of the note' },
        body: { type: 'string', default: '' },
        tags: { type: 'array', maxItems: 10, default: [], items: { $ref: '#/$defs/NoteTag' } },
      },
      required: ['title'],
      additionalProperties: false,
      $defs: {
        NoteTag: {
          type: 'object',
          properties: { name: { type: 'string', pattern: '^[a-z0-9-]{1,32}$' }, colour: { enum: ['grey', 'red', 'green', 'blue'] } },
          required: ['name'],
          additionalProperties: false,
        },
      },
    });
    const search = tools.find((tool) => tool.name === 'notes_search');
    expect(search?.inputSchema).toMatchObject({ properties: { limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 } }, required: ['query'] });
    expect(search?.outputSchema).toMatchObject({ properties: { notes: { items: { $ref: '#/$defs/Note' } } } });
  });

  it('creates a note and fetches it back: text content plus structuredContent', async () => {
    const note = await create({ title: 'Groceries', body: 'milk, eggs', tags: [{ name: 'home', colour: 'green' }] });
    expect(note).toMatchObject({ title: 'Groceries', tags: [{ name: 'home', colour: 'green' }], created_by: 'primary' });
    expect(note.id).toMatch(UUID);
    expect(note.request_id).toMatch(UUID);

    const result = await kit.client.callTool({ name: 'notes_get', arguments: { id: note.id } });
    expect(result.structuredContent).toEqual(note);
    expect(JSON.parse((result.content as { text: string }[])[0].text)).toEqual(note);
  });

  it('applies the defaults of the DTO initialisers', async () => {
    const note = await create({ title: 'Only a title' });
    expect(note).toMatchObject({ body: '', tags: [] });
  });

  it.each([
    [{ title: '' }, 'title', 'must be longer than or equal to 1 characters'],
    [{ title: 'x', tags: [{ name: 'ok' }, { name: 'Not OK' }] }, 'tags[1].name', 'must match /^[a-z0-9-]{1,32}$/ regular expression'],
    [{ title: 'x', tags: [{ name: 'ok', colour: 'pink' }] }, 'tags[0].colour', 'must be one of the following values: grey, red, green, blue'],
    [{ title: 'x', pinned: true }, 'pinned', 'is not an accepted field'],
    [{ title: 'x', tags: [{ name: 'a' }, { name: 'a' }] }, 'tags[1].name', 'is repeated'],
  ])('answers %j as invalid, naming %s', async (args, field, message) => {
    const result = await kit.client.callTool({ name: 'notes_create', arguments: args });
    expect(result.isError).toBe(true);
    // notes_create has an outputSchema: the error body travels as JSON text only.
    expect(result.structuredContent).toBeUndefined();
    expect(errorBodyOf(result)).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([{ field, message }]) });
  });

  it('answers an unknown id as not_found with a safe message and the request id', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const result = await kit.client.callTool({ name: 'notes_get', arguments: { id } });
    expect(result.isError).toBe(true);
    expect(errorBodyOf(result)).toEqual({ status: 'not_found', error: `Note ${id} does not exist`, request_id: expect.stringMatching(UUID) });
  });

  it('searches page by page, reporting progress, and applies the limit', async () => {
    const repository = kit.app.get(NotesRepository);
    const signal = new AbortController().signal;
    const before = await repository.count(signal);
    for (let n = 0; n < 230; n += 1) {
      await repository.insert(
        {
          id: randomUUID(),
          title: `Bulk ${n}`,
          body: n % 2 === 0 ? 'even bulk' : 'odd bulk',
          tags: [{ name: n % 2 === 0 ? 'even' : 'odd' }],
          created_at: new Date().toISOString(),
          created_by: 'primary',
          request_id: 'seed',
        },
        signal,
      );
    }
    const total = before + 230;
    const progress: number[] = [];
    const result = await kit.client.callTool({ name: 'notes_search', arguments: { query: 'BULK', tag: 'even' } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    });
    expect(result.isError).toBeFalsy();
    const list = result.structuredContent as { notes: Note[]; total: number };
    expect(list.total).toBe(115);
    expect(list.notes).toHaveLength(10);
    expect(list.notes.every((note) => note.tags[0].name === 'even')).toBe(true);
    expect(progress).toEqual([100, 200, total]);
  });

  it('answers a store outage as retry, keeping the raw error out of the answer and in the log', async () => {
    jest
      .spyOn(kit.app.get(NotesRepository), 'count')
      .mockRejectedValueOnce(new NotesStoreUnavailableError('connect ECONNREFUSED 10.20.30.40:5432'));
    const result = await kit.client.callTool({ name: 'notes_search', arguments: { query: 'milk' } });
    expect(errorBodyOf(result)).toMatchObject({ status: 'retry', error: 'The notes store is busy; try again shortly' });
    expect(JSON.stringify(result)).not.toContain('ECONNREFUSED');
    expect(kit.logs.text).toContain('ECONNREFUSED 10.20.30.40');
  });

  it('answers any other store failure with generic text', async () => {
    jest.spyOn(kit.app.get(NotesRepository), 'findById').mockRejectedValueOnce(new Error('disk full on volume notes-data'));
    const result = await kit.client.callTool({ name: 'notes_get', arguments: { id: '00000000-0000-4000-8000-000000000001' } });
    expect(errorBodyOf(result)).toMatchObject({ status: 'error', error: 'Internal server error' });
    expect(JSON.stringify(result)).not.toContain('disk full');
    expect(kit.logs.text).toContain('disk full on volume notes-data');
  });

  it("refuses to delete another key's note (forbidden), deletes its own", async () => {
    const mine = await create({ title: 'Mine' });
    const theirs = await kit.app.get(NotesRepository).insert(
      { ...mine, id: randomUUID(), title: 'Theirs', created_by: 'secondary' },
      new AbortController().signal,
    );
    const refused = await kit.client.callTool({ name: 'notes_delete', arguments: { id: theirs.id } });
    expect(errorBodyOf(refused)).toMatchObject({ status: 'forbidden', error: 'Only the key that created a note may delete it' });

    const deleted = await kit.client.callTool({ name: 'notes_delete', arguments: { id: mine.id } });
    expect(deleted.structuredContent).toEqual({ id: mine.id, title: 'Mine' });
    const again = await kit.client.callTool({ name: 'notes_delete', arguments: { id: mine.id } });
    expect(errorBodyOf(again)).toMatchObject({ status: 'not_found' });
  });

  it('passes the call signal down to the store, which stops when the client cancels', async () => {
    let storeSignal: AbortSignal | undefined;
    jest.spyOn(kit.app.get(NotesRepository), 'insert').mockImplementationOnce(
      (_note, signal) =>
        new Promise<Note>((_resolve, reject) => {
          storeSignal = signal;
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    );
    const controller = new AbortController();
    const call = kit.client.callTool({ name: 'notes_create', arguments: { title: 'Never stored' } }, undefined, {
      signal: controller.signal,
    });
    while (storeSignal === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(storeSignal.aborted).toBe(false);
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(storeSignal.aborted).toBe(true);
  });

  it('gets metrics and one audit line per call, without the arguments, for free', async () => {
    await kit.client.callTool({ name: 'notes_search', arguments: { query: 'a-very-private-query' } });
    await kit.client.callTool({ name: 'notes_get', arguments: { id: '00000000-0000-4000-8000-000000000002' } });
    const calls = await register.getSingleMetricAsString('mcp_tool_calls_total');
    expect(calls).toMatch(/mcp_tool_calls_total\{tool="notes_search",status="ok",key_id="primary"\} \d+/);
    expect(calls).toMatch(/mcp_tool_calls_total\{tool="notes_get",status="not_found",key_id="primary"\} \d+/);
    expect(await register.getSingleMetricAsString('mcp_tool_duration_seconds')).toContain('tool="notes_search"');
    expect(await register.getSingleMetricAsString('mcp_tool_in_flight')).toMatch(/mcp_tool_in_flight\{tool="notes_search"\} 0/);
    const audit = kit.logs.entries().filter((entry) => entry.audit === true && entry.tool === 'notes_search');
    expect(audit.at(-1)).toMatchObject({ request_id: expect.any(String), key_id: 'primary', door: 'memory', outcome: 'ok', arguments_sha256: expect.any(String) });
    expect(kit.logs.text).not.toContain('a-very-private-query');
  });

  it('serves the notes_review prompt: the note embedded, the ask chosen by focus', async () => {
    const note = await create({ title: 'Release plan', body: 'Ship on Friday; Ana writes the notes.' });
    const { prompts } = await kit.client.listPrompts();
    expect(prompts).toEqual([
      {
        name: 'notes_review',
        title: 'Review a note',
        description: expect.any(String),
        arguments: [
          { name: 'id', description: expect.any(String), required: true },
          { name: 'focus', description: expect.any(String), required: false },
        ],
      },
    ]);
    const { messages } = await kit.getPrompt('notes_review', { id: note.id, focus: 'actions' });
    expect(messages).toEqual([
      { role: 'user', content: { type: 'resource', resource: { uri: `notes://notes/${note.id}`, mimeType: 'text/markdown', text: '# Release plan\n\nShip on Friday; Ana writes the notes.' } } },
      { role: 'user', content: { type: 'text', text: expect.stringContaining('List the actions') } },
    ]);
  });

  it('answers prompt arguments that fail validation or name no note with -32602', async () => {
    await expect(kit.getPrompt('notes_review', { id: 'not-a-uuid' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('id must be a UUID') });
    await expect(kit.getPrompt('notes_review', { id: '00000000-0000-4000-8000-000000000009' })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('Note 00000000-0000-4000-8000-000000000009 does not exist'),
    });
  });

  it('completes the note id from the words of its title, and focus from its list', async () => {
    const note = await create({ title: 'Quarterly zeppelin budget' });
    const ref = { type: 'ref/prompt', name: 'notes_review' } as const;
    expect(await kit.complete(ref, 'id', 'zeppelin')).toEqual([note.id]);
    expect(await kit.complete(ref, 'id', '')).toEqual([]);
    expect(await kit.complete(ref, 'focus', 's')).toEqual(['summary']);
  });

  it('contributes its health check to /health and /health/ready', async () => {
    const checks = kit.app.get(HealthChecksExplorer);
    expect(checks.readiness().map((check) => check.key)).toContain('notes_store');
    const notesStore = checks.all().find((check) => check.key === 'notes_store');
    const answer = await notesStore?.check(kit.app.get(HealthIndicatorService));
    expect(answer).toEqual({ notes_store: { status: 'up', notes: expect.any(Number) } });
  });
});

describe('example family (notes) with a key that may only read', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await bootKit({ imports: [NotesModule], principal: { subject: 'secondary', clientId: 'secondary', scopes: ['notes:read'], via: 'api_key' } });
  });
  afterAll(() => kit.close());

  it('shows it the notes_review prompt (it needs notes:read only)', async () => {
    expect((await kit.client.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['notes_review']);
  });

  it('lets it search and get', async () => {
    const result = await kit.client.callTool({ name: 'notes_search', arguments: { query: 'anything' } });
    expect(result.structuredContent).toEqual({ notes: [], total: 0 });
  });

  it('refuses it the tools that need notes:write', async () => {
    const result = await kit.client.callTool({ name: 'notes_create', arguments: { title: 'x' } });
    expect(errorBodyOf(result)).toMatchObject({ status: 'forbidden', error: 'The caller lacks the scope(s): notes:write' });
  });
});

describe('docs/extending.md', () => {
  const root = join(__dirname, '..', '..');
  const doc = readFileSync(join(root, 'docs', 'extending.md'), 'utf8');
  /** Code blocks that start with a `// src/tools/notes/<file>` line, by file name. */
  const quoted = new Map(
    [...doc.matchAll(/```ts\n\/\/ src\/tools\/notes\/(notes\.[a-z]+\.ts)\n([\s\S]*?)```/g)].map((match) => [match[1], match[2]]),
  );

  it.each(['notes.dto.ts', 'notes.repository.ts', 'notes.service.ts', 'notes.tools.ts', 'notes.prompts.ts', 'notes.health.ts', 'notes.module.ts'])(
    'quotes %s exactly as the tested fixture (import paths aside)',
    (file) => {
      const fixture = readFileSync(join(root, 'test', 'fixtures', 'example-family', file), 'utf8');
      expect(quoted.get(file)).toBe(fixture.replaceAll("'../../../src/", "'../../"));
    },
  );
});
