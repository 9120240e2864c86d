import { MigrationInterface, QueryRunner } from 'typeorm';

/** The sample schema the SQL tools are demonstrated on: customers and their orders. */
export class SampleSchema1764201600000 implements MigrationInterface {
  readonly name = 'SampleSchema1764201600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE customers (
        id serial PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE orders (
        id serial PRIMARY KEY,
        customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        amount numeric(12, 2) NOT NULL CHECK (amount >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query('CREATE INDEX orders_customer_id_idx ON orders (customer_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE orders');
    await runner.query('DROP TABLE customers');
  }
}
