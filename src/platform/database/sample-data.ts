import { DataSource, EntityManager } from 'typeorm';

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Linus', 'Sophie', 'Tim', 'Hedy', 'John'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'Torvalds', 'Wilson', 'Berners-Lee', 'Lamarr', 'Backus'];

/** Mulberry32: a tiny seeded PRNG, so every database gets exactly the same sample data (the benchmarks use it too). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SampleData {
  readonly customers: { name: string; email: string; createdAt: string }[];
  /** customer is a 1-based index into customers. */
  readonly orders: { customer: number; amount: string; createdAt: string }[];
}

/** 500 customers and 5000 orders over 2024–2025, identical on every run. */
export function generateSampleData(customerCount = 500, orderCount = 5000): SampleData {
  const next = seededRandom(20_260_728);
  const start = Date.UTC(2024, 0, 1);
  const span = Date.UTC(2026, 0, 1) - start;
  const customers = Array.from({ length: customerCount }, (_, i) => {
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
    return {
      name: i < FIRST.length * LAST.length ? name : `${name} ${Math.floor(i / (FIRST.length * LAST.length)) + 1}`,
      email: `customer${i + 1}@example.com`,
      createdAt: new Date(start + Math.floor(next() * span)).toISOString(),
    };
  });
  const orders = Array.from({ length: orderCount }, () => ({
    // Skewed towards low ids, so the top-customer list has a clear shape.
    customer: 1 + Math.floor(Math.pow(next(), 2) * customerCount),
    amount: (5 + next() * 995).toFixed(2),
    createdAt: new Date(start + Math.floor(next() * span)).toISOString(),
  }));
  return { customers, orders };
}

async function insertRows(db: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const batch = Math.floor(60_000 / columns.length);
  for (let offset = 0; offset < rows.length; offset += batch) {
    const chunk = rows.slice(offset, offset + batch);
    const placeholders = chunk.map((_, r) => `(${columns.map((__, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
    await db.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${placeholders.join(', ')}`, chunk.flat());
  }
}

/**
 * Loads the sample data when the customers table is empty; returns whether it did. Parameterized inserts only.
 * The check is inside the transaction: on the embedded database, which several processes may share, a
 * transaction has the session to itself, so two processes booting together cannot both seed.
 */
export async function seedSampleData(source: DataSource): Promise<boolean> {
  return source.transaction(async (manager) => {
    const [{ count }] = (await manager.query('SELECT count(*)::int AS count FROM customers')) as { count: number }[];
    if (count > 0) return false;
    const data = generateSampleData();
    await insertRows(manager, 'customers', ['id', 'name', 'email', 'created_at'], data.customers.map((c, i) => [i + 1, c.name, c.email, c.createdAt]));
    await insertRows(manager, 'orders', ['customer_id', 'amount', 'created_at'], data.orders.map((o) => [o.customer, o.amount, o.createdAt]));
    await manager.query(`SELECT setval(pg_get_serial_sequence('customers', 'id'), (SELECT max(id) FROM customers))`);
    return true;
  });
}
