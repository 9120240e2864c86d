import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { RagEmbedder, RagEmbedderError } from './rag-embedder.interface';
import { unitVector } from './unit-vector';
import { Encoding, WordPieceTokenizer } from './wordpiece-tokenizer';

/** Files a sentence-transformer export must have besides the model (e.g. all-MiniLM-L6-v2). */
export const LOCAL_MODEL_FILES = ['config.json', 'tokenizer.json'];
/** Where the ONNX graph may be: the transformers.js / Hub layout first, then Optimum's export layout. */
export const LOCAL_MODEL_GRAPHS = ['onnx/model.onnx', 'model.onnx'];

/** Texts per inference run: bounds the padded tensors' memory while amortising the call overhead. */
const BATCH_SIZE = 16;
/** BERT's position table ends here; sentence-transformers cut longer inputs the same way. */
const MAX_TOKENS = 512;
const MODEL_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'] as const;

type Pooling = 'mean' | 'cls';

interface LoadedModel {
  /** The graph's path in the model directory, for messages. */
  readonly file: string;
  readonly ort: typeof Ort;
  readonly session: Ort.InferenceSession;
  readonly tokenizer: WordPieceTokenizer;
  readonly maxLength: number;
  readonly pooling: Pooling;
  readonly dimension: number;
}

/**
 * `local:<dir>`: a sentence-transformer ONNX export (config.json, tokenizer.json and onnx/model.onnx as on the
 * Hub and for transformers.js, or model.onnx at the top as Optimum exports it) run in process with onnxruntime on the CPU; nothing is downloaded. The first `ready()` loads
 * the model and embeds a probe text to learn (and check) the dimension; later calls answer from that one load,
 * and a failed load keeps failing with the same message. onnxruntime is required only here, so a server that
 * does not use a `local:` model never loads the native library.
 */
export class LocalOnnxEmbedder implements RagEmbedder {
  readonly name: string;
  private loading?: Promise<LoadedModel>;
  private loaded?: LoadedModel;

  constructor(private readonly directory: string) {
    this.name = `local:${directory}`;
  }

  /** The model's output width once `ready()` resolved; 0 before. */
  get dimension(): number {
    return this.loaded?.dimension ?? 0;
  }

  missingFiles(): string[] {
    const missing = LOCAL_MODEL_FILES.filter((file) => !existsSync(join(this.directory, file)));
    return this.graphFile() === undefined ? [...missing, LOCAL_MODEL_GRAPHS[0]] : missing;
  }

  private graphFile(): string | undefined {
    return LOCAL_MODEL_GRAPHS.find((file) => existsSync(join(this.directory, file)));
  }

  async ready(): Promise<void> {
    await this.model();
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const model = await this.model();
    const vectors: number[][] = [];
    for (let offset = 0; offset < texts.length; offset += BATCH_SIZE) {
      signal?.throwIfAborted();
      vectors.push(...(await this.batch(model, texts.slice(offset, offset + BATCH_SIZE))));
    }
    return vectors;
  }

  private model(): Promise<LoadedModel> {
    this.loading ??= this.load().then((model) => (this.loaded = model));
    return this.loading;
  }

  private async load(): Promise<LoadedModel> {
    const missing = this.missingFiles();
    if (missing.length > 0) {
      throw new RagEmbedderError(
        `RAG_EMBEDDING_MODEL=local:${this.directory}: the model directory lacks ${missing.join(', ')} ` +
          '(put an ONNX sentence-transformer export there, e.g. all-MiniLM-L6-v2; nothing is downloaded at run time)',
      );
    }
    const config = this.readJson('config.json') as { hidden_size?: unknown; max_position_embeddings?: unknown };
    const tokenizer = new WordPieceTokenizer(this.readJson('tokenizer.json'));
    const sentenceBert = this.readOptionalJson('sentence_bert_config.json') as { max_seq_length?: unknown } | undefined;
    const poolingConfig = this.readOptionalJson('1_Pooling/config.json') as { pooling_mode_cls_token?: unknown } | undefined;
    const positions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : MAX_TOKENS;
    // max_seq_length is what the model was trained with; past the position table the model could not run at all.
    const maxLength = Math.min(typeof sentenceBert?.max_seq_length === 'number' ? sentenceBert.max_seq_length : MAX_TOKENS, positions);
    const pooling: Pooling = poolingConfig?.pooling_mode_cls_token === true ? 'cls' : 'mean';

    const file = this.graphFile() ?? LOCAL_MODEL_GRAPHS[0];
    const ort = loadOnnxRuntime();
    let session: Ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(join(this.directory, file), {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
      });
    } catch (error) {
      throw new RagEmbedderError(`could not load ${file}: ${shortReason(error)}`);
    }
    const model = { file, ort, session, tokenizer, maxLength, pooling, dimension: 0 };
    try {
      const [probe] = await this.batch(model, ['probe']);
      // A sentence_embedding output may come after a projection (a Dense layer), so only pooled hidden states must match hidden_size.
      const pooled = !session.outputNames.includes('sentence_embedding');
      if (pooled && typeof config.hidden_size === 'number' && config.hidden_size !== probe.length) {
        throw new RagEmbedderError(`config.json says hidden_size ${config.hidden_size} but ${file} produces vectors of ${probe.length}`);
      }
      return { ...model, dimension: probe.length };
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  private async batch(model: LoadedModel, texts: readonly string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const encodings = texts.map((text) => model.tokenizer.encode(text, model.maxLength));
    const width = Math.max(...encodings.map((encoding) => encoding.inputIds.length));
    const feeds: Record<string, Ort.Tensor> = {};
    for (const input of MODEL_INPUTS) {
      if (!model.session.inputNames.includes(input)) continue;
      feeds[input] = new model.ort.Tensor('int64', padded(encodings, input, width, model.tokenizer.padId), [texts.length, width]);
    }
    let outputs: Ort.InferenceSession.ReturnType;
    try {
      outputs = await model.session.run(feeds);
    } catch (error) {
      throw new RagEmbedderError(`${model.file} failed to run: ${shortReason(error)}`);
    }
    const names = model.session.outputNames;
    if (names.includes('sentence_embedding')) return rows(model.file, outputs.sentence_embedding, texts.length).map((vector) => unitVector(vector));
    const hidden = outputs[names.includes('last_hidden_state') ? 'last_hidden_state' : names[0]];
    return pool(model.file, hidden, encodings, model.pooling).map((vector) => unitVector(vector));
  }

  private readJson(file: string): unknown {
    try {
      return JSON.parse(readFileSync(join(this.directory, file), 'utf8'));
    } catch {
      throw new RagEmbedderError(`${file} in the model directory is not valid JSON`);
    }
  }

  private readOptionalJson(file: string): unknown {
    return existsSync(join(this.directory, file)) ? this.readJson(file) : undefined;
  }
}

/** onnxruntime-node, loaded on first use through Node's own require (the native addon is then loaded once per process). */
function loadOnnxRuntime(): typeof Ort {
  try {
    return createRequire(__filename)('onnxruntime-node') as typeof Ort;
  } catch (error) {
    throw new RagEmbedderError(`RAG_EMBEDDING_MODEL=local:<dir> needs onnxruntime-node, which could not be loaded: ${shortReason(error)}`);
  }
}

/** One int64 tensor's data: each text's values, then padding (whose attention mask is 0). */
function padded(encodings: readonly Encoding[], input: (typeof MODEL_INPUTS)[number], width: number, padId: number): BigInt64Array {
  const data = new BigInt64Array(encodings.length * width);
  encodings.forEach((encoding, row) => {
    const values = input === 'input_ids' ? encoding.inputIds : input === 'attention_mask' ? encoding.attentionMask : encoding.tokenTypeIds;
    const fill = input === 'input_ids' ? padId : 0;
    for (let column = 0; column < width; column++) data[row * width + column] = BigInt(values[column] ?? fill);
  });
  return data;
}

/** A [batch, dimension] float output as one array per text. */
function rows(file: string, tensor: Ort.Tensor | undefined, count: number): number[][] {
  const { data, dims } = floatOutput(file, tensor, 2);
  const dimension = dims[1];
  return Array.from({ length: count }, (_, row) => Array.from(data.subarray(row * dimension, (row + 1) * dimension)));
}

/** Mean of each text's hidden states over its own tokens (never the padding), or its first token's for CLS pooling. */
function pool(file: string, tensor: Ort.Tensor | undefined, encodings: readonly Encoding[], pooling: Pooling): number[][] {
  const { data, dims } = floatOutput(file, tensor, 3);
  const [, width, dimension] = dims;
  return encodings.map((encoding, row) => {
    const tokens = pooling === 'cls' ? 1 : encoding.inputIds.length;
    const vector = new Array<number>(dimension).fill(0);
    for (let token = 0; token < tokens; token++) {
      const base = (row * width + token) * dimension;
      for (let i = 0; i < dimension; i++) vector[i] += data[base + i];
    }
    return vector.map((value) => value / tokens);
  });
}

function floatOutput(file: string, tensor: Ort.Tensor | undefined, rank: number): { data: Float32Array; dims: readonly number[] } {
  if (!tensor || tensor.type !== 'float32' || tensor.dims.length !== rank) {
    throw new RagEmbedderError(`${file} answered an output that is not a float tensor of rank ${rank}`);
  }
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}

/** The first line of an error's message, bounded: enough to act on, never a stack trace. */
function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0].trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
