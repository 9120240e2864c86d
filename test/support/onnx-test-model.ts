import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../src/platform/database/sample-data';
import { ProtobufWriter } from './protobuf-writer';

export interface TestModelOptions {
  /** Width of the hidden state (32). */
  readonly dimension?: number;
  /** `hidden_size` written to config.json; `null` leaves it out (default: `dimension`). */
  readonly configHiddenSize?: number | null;
  /** Writes `sentence_bert_config.json` with this `max_seq_length`. */
  readonly maxSeqLength?: number;
  /** Writes `1_Pooling/config.json` asking for this pooling. */
  readonly pooling?: 'cls' | 'mean';
  /** Name of the token-level output (`last_hidden_state`). */
  readonly hiddenOutputName?: string;
  /** Adds a second output `sentence_embedding`: minus the unmasked mean of the hidden state. */
  readonly sentenceEmbedding?: boolean;
  /** Writes bytes that are not an ONNX model as `onnx/model.onnx`. */
  readonly corruptModel?: boolean;
  /** `model.type` of tokenizer.json (`WordPiece`). */
  readonly tokenizerType?: string;
}

export const TEST_MODEL_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tu', 'sa', 'vel', 'dor', 'pi', 'ne', 'ur', 'zo', 'ba', 'fi', 'gal', 'hem'];

/** Whole words of the test vocabulary (one token each), for building sentences in tests. */
export const TEST_MODEL_WORDS: readonly string[] = [...new Set(SYLLABLES.flatMap((first) => SYLLABLES.map((second) => first + second)))];

const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** The vocabulary in id order: specials, punctuation, words, single letters and `##` pieces (so no ASCII word is unknown). */
export const TEST_MODEL_VOCABULARY: readonly string[] = [
  ...TEST_MODEL_SPECIAL_TOKENS,
  ...'.,!?:;-\''.split(''),
  ...TEST_MODEL_WORDS,
  ...LETTERS,
  ...['##s', '##ed', '##ing', '##er', '##ly'],
  ...LETTERS.map((letter) => `##${letter}`),
];

/**
 * Writes a complete `local:` model directory: a BERT-style config.json and tokenizer.json, and an ONNX graph
 * whose hidden state is a word-embedding lookup plus a token-type-embedding lookup. The weights come from a
 * seeded PRNG, so every run writes the same model; it is tiny, loads in milliseconds and makes texts that share
 * words land close together, which is all the embedder's tests need from a model.
 */
export function writeTestModel(directory: string, options: TestModelOptions = {}): string {
  const dimension = options.dimension ?? 32;
  mkdirSync(join(directory, 'onnx'), { recursive: true });
  const hiddenSize = options.configHiddenSize === undefined ? dimension : options.configHiddenSize;
  const config = { model_type: 'bert', max_position_embeddings: 64, ...(hiddenSize === null ? {} : { hidden_size: hiddenSize }) };
  writeFileSync(join(directory, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(directory, 'tokenizer.json'), JSON.stringify(testTokenizer(options.tokenizerType ?? 'WordPiece'), null, 2));
  if (options.maxSeqLength !== undefined) {
    writeFileSync(join(directory, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: options.maxSeqLength, do_lower_case: false }));
  }
  if (options.pooling) {
    mkdirSync(join(directory, '1_Pooling'), { recursive: true });
    const pooling = { word_embedding_dimension: dimension, pooling_mode_cls_token: options.pooling === 'cls', pooling_mode_mean_tokens: options.pooling === 'mean' };
    writeFileSync(join(directory, '1_Pooling', 'config.json'), JSON.stringify(pooling));
  }
  const model = options.corruptModel ? Buffer.from('this is not an ONNX model\n') : testOnnxModel(dimension, options);
  writeFileSync(join(directory, 'onnx', 'model.onnx'), model);
  return directory;
}

function testTokenizer(type: string): object {
  const vocab = Object.fromEntries(TEST_MODEL_VOCABULARY.map((token, id) => [token, id]));
  const special = (token: string): object => ({ id: token, ids: [vocab[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TEST_MODEL_SPECIAL_TOKENS.map((content) => ({ id: vocab[content], content, special: true })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type, unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
}

const FLOAT = 1;
const INT64 = 7;
const ATTRIBUTE_INT = 2;
const ATTRIBUTE_INTS = 7;

/** ModelProto (onnx.proto field numbers), IR version 8, opset 13. */
function testOnnxModel(dimension: number, options: TestModelOptions): Buffer {
  const random = seededRandom(20240611);
  const weights = (rows: number, scale: number): Buffer => {
    const values = new Float32Array(rows * dimension);
    for (let i = 0; i < values.length; i++) values[i] = (random() * 2 - 1) * scale;
    return Buffer.from(values.buffer);
  };
  const hidden = options.hiddenOutputName ?? 'last_hidden_state';
  const graph = new ProtobufWriter()
    .bytes(1, node('Gather', ['word_embeddings', 'input_ids'], ['words']))
    .bytes(1, node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types']))
    .bytes(1, node('Add', ['words', 'types'], [hidden]))
    .string(2, 'test-bert')
    .bytes(5, initializer('word_embeddings', [TEST_MODEL_VOCABULARY.length, dimension], weights(TEST_MODEL_VOCABULARY.length, 1)))
    .bytes(5, initializer('token_type_embeddings', [2, dimension], weights(2, 0.1)));
  for (const input of ['input_ids', 'attention_mask', 'token_type_ids']) graph.bytes(11, valueInfo(input, INT64, ['batch', 'sequence']));
  graph.bytes(12, valueInfo(hidden, FLOAT, ['batch', 'sequence', dimension]));
  if (options.sentenceEmbedding) {
    const mean = node('ReduceMean', [hidden], ['mean_hidden']).bytes(5, intsAttribute('axes', [1])).bytes(5, intAttribute('keepdims', 0));
    graph.bytes(1, mean).bytes(1, node('Neg', ['mean_hidden'], ['sentence_embedding']));
    graph.bytes(12, valueInfo('sentence_embedding', FLOAT, ['batch', dimension]));
  }
  return new ProtobufWriter()
    .varint(1, 8)
    .string(2, 'onnx-test-model')
    .bytes(7, graph)
    .bytes(8, new ProtobufWriter().string(1, '').varint(2, 13))
    .finish();
}

function node(opType: string, inputs: string[], outputs: string[]): ProtobufWriter {
  const proto = new ProtobufWriter();
  for (const input of inputs) proto.string(1, input);
  for (const output of outputs) proto.string(2, output);
  return proto.string(3, `${opType}_${outputs[0]}`).string(4, opType);
}

function intAttribute(name: string, value: number): ProtobufWriter {
  return new ProtobufWriter().string(1, name).varint(3, value).varint(20, ATTRIBUTE_INT);
}

function intsAttribute(name: string, values: number[]): ProtobufWriter {
  const proto = new ProtobufWriter().string(1, name);
  for (const value of values) proto.varint(8, value);
  return proto.varint(20, ATTRIBUTE_INTS);
}

function initializer(name: string, dims: number[], raw: Buffer): ProtobufWriter {
  const tensor = new ProtobufWriter();
  for (const dim of dims) tensor.varint(1, dim);
  return tensor.varint(2, FLOAT).string(8, name).bytes(9, raw);
}

/** ValueInfoProto of a tensor; a string dimension is symbolic (`dim_param`), a number fixed (`dim_value`). */
function valueInfo(name: string, elemType: number, dims: (string | number)[]): ProtobufWriter {
  const shape = new ProtobufWriter();
  for (const dim of dims) shape.bytes(1, typeof dim === 'number' ? new ProtobufWriter().varint(1, dim) : new ProtobufWriter().string(2, dim));
  const tensorType = new ProtobufWriter().varint(1, elemType).bytes(2, shape);
  return new ProtobufWriter().string(1, name).bytes(2, new ProtobufWriter().bytes(1, tensorType));
}
