/**
 * Just enough of the protobuf wire format to write an ONNX ModelProto from a test, so the tests need no
 * protobuf library and no model file checked in. A message is built as a list of encoded fields.
 */
export class ProtobufWriter {
  private readonly parts: Buffer[] = [];

  /** Wire type 0: int32, int64, enum and bool fields (non-negative values only, which is all ONNX needs here). */
  varint(field: number, value: number): this {
    this.parts.push(encodeVarint((field << 3) | 0), encodeVarint(value));
    return this;
  }

  /** Wire type 2: bytes and nested messages. */
  bytes(field: number, value: Buffer | ProtobufWriter): this {
    const body = value instanceof ProtobufWriter ? value.finish() : value;
    this.parts.push(encodeVarint((field << 3) | 2), encodeVarint(body.length), body);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function encodeVarint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`cannot encode ${value} as a varint`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
