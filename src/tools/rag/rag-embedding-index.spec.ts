import { embeddingDimensionPredicate, embeddingExpression, embeddingIndexName, embeddingIndexSql } from './rag-embedding-index';

describe('the per-dimension embedding index SQL', () => {
  it('names the index and writes the expression and predicate for a dimension', () => {
    expect(embeddingIndexName(384)).toBe('rag_chunks_embedding_384_idx');
    expect(embeddingExpression(384, 'c')).toBe('c.embedding::vector(384)');
    expect(embeddingDimensionPredicate(256, 'x')).toBe('vector_dims(x.embedding) = 256');
    // The statement docs/operations.md tells operators to run (CONCURRENTLY added there), build options in place.
    expect(embeddingIndexSql(256, 'm = 32')).toBe(
      'CREATE INDEX IF NOT EXISTS rag_chunks_embedding_256_idx ON rag_chunks USING hnsw ((embedding::vector(256)) vector_cosine_ops) ' +
        'WITH (m = 32) WHERE vector_dims(embedding) = 256',
    );
  });

  it.each([0, -3, 2.5, Number.NaN, Number('1; DROP TABLE rag_chunks')])('lets no non-dimension (%p) reach SQL', (dimension) => {
    expect(() => embeddingExpression(dimension)).toThrow(RangeError);
    expect(() => embeddingDimensionPredicate(dimension)).toThrow(RangeError);
    expect(() => embeddingIndexName(dimension)).toThrow(RangeError);
    expect(() => embeddingIndexSql(dimension)).toThrow(RangeError);
  });
});
