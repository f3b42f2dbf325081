import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

// Why not a published dialect: kysely-pglite-dialect allows PGlite < 0.5 only, and kysely-pglite brings a code
// generator and a CLI framework with it. This is kysely's own PostgreSQL adapter, compiler and introspector over
// PGlite's query API, with PGlite's one connection handed out to one caller at a time.

/** PGlite's single session, lent to one kysely caller at a time (a transaction keeps it until it ends). */
class PGliteConnection implements DatabaseConnection {
  constructor(readonly db: PGlite) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.db.query<R>(compiled.sql, [...compiled.parameters]);
    const changes = result.affectedRows;
    return { rows: result.rows, ...(changes !== undefined ? { numAffectedRows: BigInt(changes) } : {}) };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the PGlite audit store does not stream query results');
  }
}

/** PGlite itself, or how to make it (kysely calls it on the first query: a new directory takes seconds to set up). */
export type PGliteSource = PGlite | (() => Promise<PGlite>);

class PGliteDriver implements Driver {
  private connection: PGliteConnection | undefined;
  /** Settles when the current holder releases the connection. */
  private queue: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  constructor(private readonly source: PGliteSource) {}

  async init(): Promise<void> {
    const db = typeof this.source === 'function' ? await this.source() : this.source;
    await db.waitReady;
    this.connection = new PGliteConnection(db);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => (release = resolve));
    await previous;
    this.release = release;
    if (!this.connection) throw new Error('the PGlite driver is not initialised');
    return this.connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const mode = [settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '', settings.accessMode ?? ''].filter(Boolean).join(' ');
    await connection.executeQuery(CompiledQuery.raw(mode ? `start transaction ${mode}` : 'begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    const release = this.release;
    this.release = undefined;
    release?.();
  }

  async destroy(): Promise<void> {
    const db = this.connection?.db;
    this.connection = undefined;
    if (db && !db.closed) await db.close();
  }
}

/** A kysely dialect over a PGlite instance: PostgreSQL's SQL, so the audit store's queries and migrations are the same. */
export function pgliteDialect(source: PGliteSource): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new PGliteDriver(source),
    createIntrospector: (kysely: Kysely<unknown>) => new PostgresIntrospector(kysely),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
