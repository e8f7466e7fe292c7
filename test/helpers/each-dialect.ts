import { after, before, describe } from 'node:test';
import type { Dialect } from '../../src/db/database.js';
import { createTestAccount, createTestApp, type TestAccount, type TestApp } from './app.js';
import { DIALECTS } from './dialects.js';

/** What a suite of describeEachDialect runs against: its dialect, its app and its account. */
export interface DialectSuite {
  readonly dialect: Dialect;
  /** A fresh app on a fresh database of the dialect, made before the suite's first test and closed after its last. */
  readonly t: TestApp;
  /** An account of that app with an administrator and a full-access key. */
  readonly account: TestAccount;
}

/**
 * An object that stands for one made later, in a `before` hook: reads go to the real one once it exists. It lets a
 * suite's helpers and tests name `t` and `account` where they are declared, as the for-each-dialect loop let them.
 */
function lateBound<T extends object>(what: string): { proxy: T; resolve(value: T): void } {
  let target: T | undefined;
  const current = (): T => {
    if (target === undefined)
      throw new Error(`${what} is made before the suite's first test; read it in a test or hook.`);
    return target;
  };
  const proxy = new Proxy({} as T, {
    get: (_empty, property) => Reflect.get(current(), property),
    has: (_empty, property) => Reflect.has(current(), property),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_empty, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(current(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
  return { proxy, resolve: (value) => (target = value) };
}

/**
 * `describe` once per dialect of DIALECTS (SQLite always, PostgreSQL when TEST_DATABASE_URL is set: Kysely's test
 * loop), named `<name> (<dialect>)`, each with its own app and account made before the first test and closed after
 * the last. A suite that needs more (another account, rows) adds its own `before`, which runs after this one.
 */
export function describeEachDialect(
  name: string,
  body: (suite: DialectSuite) => void,
  options: {
    app?: Parameters<typeof createTestApp>[1];
    account?: Parameters<typeof createTestAccount>[1];
  } = {},
): void {
  for (const dialect of DIALECTS) {
    describe(`${name} (${dialect})`, () => {
      const app = lateBound<TestApp>('The suite app');
      const account = lateBound<TestAccount>('The suite account');
      let made: TestApp | undefined;
      before(async () => {
        made = await createTestApp(dialect, options.app);
        app.resolve(made);
        account.resolve(await createTestAccount(made, options.account));
      });
      after(() => made?.close());
      body({ dialect, t: app.proxy, account: account.proxy });
    });
  }
}
