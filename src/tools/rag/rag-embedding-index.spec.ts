import { embeddingDimensionPredicate, embeddingExpression, embeddingIndexName, embeddingIndexSql } from './rag-embedding-index';

describe('the per-dimension embedding index SQL', () => {
  it('names the index and writes the expression and predicate for a dimension', () => {
    expect(embeddingIndexName(384)).toBe('rag_chunks_embedding_384_idx');
    expect(embeddingExpression(384, 'c')).toBe('c.embedding::vector(384)');
    expect(embeddingDimensionPredicate(256, 'x')).toBe('vector_dims(x.embedding) = 256');
  });

  it.each([0, -3, 2.5, Number.NaN, Number('1; DROP TABLE rag_chunks')])('lets no non-dimension (%p) reach SQL', (dimension) => {
    expect(() => embeddingExpression(dimension)).toThrow(RangeError);
    expect(() => embeddingDimensionPredicate(dimension)).toThrow(RangeError);
    expect(() => embeddingIndexName(dimension)).toThrow(RangeError);
    expect(() => embeddingIndexSql(dimension)).toThrow(RangeError);
  });
});
