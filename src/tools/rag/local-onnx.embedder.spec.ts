import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_MODEL_WORDS, TestModelOptions, writeTestModel } from '../../../test/support/onnx-test-model';
import { LocalOnnxEmbedder } from './local-onnx.embedder';
import { RagEmbedderError } from './rag-embedder.interface';

const root = mkdtempSync(join(tmpdir(), 'rag-onnx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const directoryOf = (embedder: LocalOnnxEmbedder): string => embedder.name.slice('local:'.length);
const modelDirectory = (options?: TestModelOptions): string => writeTestModel(mkdtempSync(join(root, 'model-')), options);

async function readyEmbedder(options?: TestModelOptions): Promise<LocalOnnxEmbedder> {
  const embedder = new LocalOnnxEmbedder(modelDirectory(options));
  await embedder.ready();
  return embedder;
}

/** `count` vocabulary words from `start`, as a sentence. */
const sentence = (start: number, count: number): string =>
  Array.from({ length: count }, (_, i) => TEST_MODEL_WORDS[(start + i) % TEST_MODEL_WORDS.length]).join(' ');

const norm = (vector: number[]): number => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
const dot = (a: number[], b: number[]): number => a.reduce((sum, value, i) => sum + value * b[i], 0);
const largestDifference = (a: number[], b: number[]): number => Math.max(...a.map((value, i) => Math.abs(value - b[i])));

async function failure(embedder: LocalOnnxEmbedder): Promise<Error> {
  const error = await embedder.ready().then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof Error)) throw new Error('ready() resolved; expected it to fail');
  return error;
}

describe('LocalOnnxEmbedder', () => {
  let embedder: LocalOnnxEmbedder;
  beforeAll(async () => {
    embedder = await readyEmbedder();
  });

  it('knows its dimension once ready (and not before)', async () => {
    const fresh = new LocalOnnxEmbedder(modelDirectory({ dimension: 24 }));
    expect(fresh.name).toMatch(/^local:\//);
    expect(fresh.dimension).toBe(0);
    await fresh.ready();
    await fresh.ready();
    expect(fresh.dimension).toBe(24);
    expect(embedder.dimension).toBe(32);
  });

  it('loads the model once: later calls need none of the files', async () => {
    const directory = modelDirectory();
    const loaded = new LocalOnnxEmbedder(directory);
    await loaded.ready();
    rmSync(directory, { recursive: true });
    await loaded.ready();
    expect(await loaded.embed([sentence(0, 4)])).toEqual(await embedder.embed([sentence(0, 4)]));
  });

  it('also loads the Optimum layout (model.onnx beside the JSON files) and names the graph it loaded in its errors', async () => {
    const directory = modelDirectory({ configHiddenSize: 48 });
    renameSync(join(directory, 'onnx', 'model.onnx'), join(directory, 'model.onnx'));
    expect(new LocalOnnxEmbedder(directory).missingFiles()).toEqual([]);
    expect((await failure(new LocalOnnxEmbedder(directory))).message).toBe('config.json says hidden_size 48 but model.onnx produces vectors of 32');
    writeTestModel(directory);
    rmSync(join(directory, 'onnx'), { recursive: true });
    const optimum = new LocalOnnxEmbedder(directory);
    await optimum.ready();
    expect(await optimum.embed([sentence(0, 4)])).toEqual(await embedder.embed([sentence(0, 4)]));
  });

  it('answers unit vectors of the dimension, the same from two instances', async () => {
    const texts = [sentence(0, 5), 'Hello, World! Héllo?', ''];
    const vectors = await embedder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector).toHaveLength(32);
      expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-5);
    }
    const other = await readyEmbedder();
    expect(await other.embed(texts)).toEqual(vectors);
    expect(await embedder.embed([])).toEqual([]);
  });

  it('keeps the order across batches, and a batched text gets the vector it gets alone (padding is not pooled)', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => sentence(i * 7, 1 + ((i * 5) % 23)));
    const batched = await embedder.embed(texts);
    expect(batched).toHaveLength(40);
    for (const [i, text] of texts.entries()) {
      const [alone] = await embedder.embed([text]);
      expect(largestDifference(batched[i], alone)).toBeLessThan(1e-5);
    }
    const [short, long] = await embedder.embed([sentence(3, 1), sentence(50, 40)]);
    const [shortAlone] = await embedder.embed([sentence(3, 1)]);
    expect(largestDifference(short, shortAlone)).toBeLessThan(1e-5);
    expect(largestDifference(short, long)).toBeGreaterThan(1e-3);
  });

  it('puts texts that share words closer together than unrelated ones', async () => {
    const [a, b, c] = await embedder.embed([sentence(0, 6), `${sentence(0, 5)} ${TEST_MODEL_WORDS[100]}`, sentence(200, 6)]);
    expect(dot(a, b)).toBeGreaterThan(dot(a, c) + 0.3);
  });

  it('pools the first output when the model has no last_hidden_state', async () => {
    const renamed = await readyEmbedder({ hiddenOutputName: 'token_embeddings' });
    const texts = [sentence(10, 4), sentence(90, 12)];
    expect(await renamed.embed(texts)).toEqual(await embedder.embed(texts));
  });

  it('uses a sentence_embedding output as it is when the model has one', async () => {
    // The test model's sentence_embedding is minus the mean of its hidden states.
    const withSentenceOutput = await readyEmbedder({ sentenceEmbedding: true });
    const text = sentence(30, 7);
    const [[pooled], [given]] = [await embedder.embed([text]), await withSentenceOutput.embed([text])];
    expect(largestDifference(given, pooled.map((value) => -value))).toBeLessThan(1e-5);
  });

  it('pools the [CLS] token when 1_Pooling/config.json asks for it', async () => {
    const cls = await readyEmbedder({ pooling: 'cls' });
    const [a, b] = await cls.embed([sentence(0, 3), sentence(100, 9)]);
    // The test model has no attention, so the [CLS] position carries nothing of the text.
    expect(largestDifference(a, b)).toBeLessThan(1e-6);
    const mean = await readyEmbedder({ pooling: 'mean' });
    expect(await mean.embed([sentence(0, 3)])).toEqual(await embedder.embed([sentence(0, 3)]));
  });

  it('cuts texts at max_seq_length from sentence_bert_config.json, else at max_position_embeddings', async () => {
    const limited = await readyEmbedder({ maxSeqLength: 8 });
    const [long, prefix, shorter] = await limited.embed([sentence(40, 20), sentence(40, 6), sentence(40, 5)]);
    expect(largestDifference(long, prefix)).toBeLessThan(1e-6);
    expect(largestDifference(prefix, shorter)).toBeGreaterThan(1e-3);
    // config.json's max_position_embeddings is 64: [CLS] + 62 words + [SEP].
    const [veryLong, positionsPrefix, tooShort] = await embedder.embed([sentence(0, 100), sentence(0, 62), sentence(0, 61)]);
    expect(largestDifference(veryLong, positionsPrefix)).toBeLessThan(1e-6);
    expect(largestDifference(positionsPrefix, tooShort)).toBeGreaterThan(1e-4);
  });

  it('takes the dimension from the model when config.json has no hidden_size, and refuses a hidden_size that does not match', async () => {
    expect((await readyEmbedder({ dimension: 16, configHiddenSize: null })).dimension).toBe(16);
    const error = await failure(new LocalOnnxEmbedder(modelDirectory({ configHiddenSize: 48 })));
    expect(error).toBeInstanceOf(RagEmbedderError);
    expect(error.message).toBe('config.json says hidden_size 48 but onnx/model.onnx produces vectors of 32');
  });

  it('names the missing model files', async () => {
    const directory = modelDirectory();
    rmSync(join(directory, 'tokenizer.json'));
    rmSync(join(directory, 'onnx', 'model.onnx'));
    const error = await failure(new LocalOnnxEmbedder(directory));
    expect(error).toBeInstanceOf(RagEmbedderError);
    expect(error.message).toContain(`local:${directory}: the model directory lacks tokenizer.json, onnx/model.onnx (put an ONNX`);
  });

  it('refuses a corrupt model.onnx with a short message and no stack trace, and keeps refusing with the same message', async () => {
    const embedder = new LocalOnnxEmbedder(modelDirectory({ corruptModel: true }));
    const error = await failure(embedder);
    expect(error).toBeInstanceOf(RagEmbedderError);
    expect(error.message).toMatch(/^could not load onnx\/model\.onnx: \S/);
    expect(error.message).not.toContain('\n    at ');
    expect(error.message.length).toBeLessThan(300);
    // The failure is remembered: a model put right afterwards is not loaded until the server restarts.
    writeTestModel(join(root, 'repaired'), {});
    writeFileSync(join(directoryOf(embedder), 'onnx', 'model.onnx'), readFileSync(join(root, 'repaired', 'onnx', 'model.onnx')));
    expect((await failure(embedder)).message).toBe(error.message);
    await expect(embedder.embed(['text'])).rejects.toThrow(error.message);
    expect(embedder.dimension).toBe(0);
  });

  it('names a tokenizer.json that is not JSON', async () => {
    const directory = modelDirectory();
    writeFileSync(join(directory, 'tokenizer.json'), '{"model": ');
    const error = await failure(new LocalOnnxEmbedder(directory));
    expect(error).toBeInstanceOf(RagEmbedderError);
    expect(error.message).toBe('tokenizer.json in the model directory is not valid JSON');
  });

  it('refuses a tokenizer that is not WordPiece', async () => {
    const error = await failure(new LocalOnnxEmbedder(modelDirectory({ tokenizerType: 'Unigram' })));
    expect(error).toBeInstanceOf(RagEmbedderError);
    expect(error.message).toContain('tokenizer.json model type Unigram is not supported');
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(embedder.embed([sentence(0, 3)], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    const stopped = new AbortController();
    const reason = new Error('client went away');
    stopped.abort(reason);
    await expect(embedder.embed([sentence(0, 3)], stopped.signal)).rejects.toBe(reason);
  });
});
