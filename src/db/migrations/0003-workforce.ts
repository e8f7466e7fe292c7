import type { CreateTableBuilder, Kysely } from 'kysely';
import { columnType as t } from '../columns.js';

/** Decimal degrees, metres: double precision on PostgreSQL, REAL affinity on SQLite. */
const real = 'double precision';

type Table = CreateTableBuilder<string, never>;

/** id, account, and the two timestamps every object carries (DESIGN §3.3). */
function objectTable(db: Kysely<unknown>, name: string, columns: (table: Table) => Table): Promise<void> {
  const table = db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'));
  return columns(table)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();
}

/** Keyset pagination walks (account_id, id); incremental sync filters on (account_id, updated_at). */
async function listIndexes(db: Kysely<unknown>, table: string): Promise<void> {
  await db.schema.createIndex(`${table}_account_idx`).on(table).columns(['account_id', 'id']).execute();
  await db.schema
    .createIndex(`${table}_account_updated_idx`)
    .on(table)
    .columns(['account_id', 'updated_at'])
    .execute();
}

/** Department codes, positions, groups and cost codes share one shape: a code unique in the account. */
async function codeCatalogue(db: Kysely<unknown>, table: string): Promise<void> {
  await objectTable(db, table, (c) =>
    c
      .addColumn('code', 'text', (col) => col.notNull())
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('description', 'text')
      .addColumn('active', t.boolean, (col) => col.notNull()),
  );
  await listIndexes(db, table);
  await db.schema
    .createIndex(`${table}_account_code_uq`)
    .on(table)
    .columns(['account_id', 'code'])
    .unique()
    .execute();
}

/** A many-to-many link inside one account. */
async function linkTable(db: Kysely<unknown>, table: string, left: string, right: string): Promise<void> {
  await db.schema
    .createTable(table)
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn(left, 'text', (c) => c.notNull())
    .addColumn(right, 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(`${table}_pk`, [left, right])
    .execute();
  await db.schema.createIndex(`${table}_${right}_idx`).on(table).columns(['account_id', right]).execute();
}

/** Every workforce resource of DESIGN §4 beyond employees. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await objectTable(db, 'locations', (c) =>
    c
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('address', 'text')
      .addColumn('timezone', 'text', (col) => col.notNull())
      .addColumn('latitude', real)
      .addColumn('longitude', real)
      .addColumn('capacity', 'integer')
      .addColumn('geofence_mode', 'text', (col) => col.notNull()),
  );
  await listIndexes(db, 'locations');

  for (const table of ['department_codes', 'positions', 'groups', 'cost_codes']) {
    await codeCatalogue(db, table);
  }

  await objectTable(db, 'geofences', (c) =>
    c
      .addColumn('name', 'text', (col) => col.notNull())
      .addColumn('latitude', real, (col) => col.notNull())
      .addColumn('longitude', real, (col) => col.notNull())
      .addColumn('radius_meters', 'integer', (col) => col.notNull())
      .addColumn('active', t.boolean, (col) => col.notNull())
      .addColumn('location_id', 'text'),
  );
  await listIndexes(db, 'geofences');
  await db.schema
    .createIndex('geofences_location_idx')
    .on('geofences')
    .columns(['account_id', 'location_id'])
    .execute();

  await db.schema.alterTable('employees').addColumn('department_code_id', 'text').execute();
  await db.schema.alterTable('employees').addColumn('position_id', 'text').execute();
  // Kept by the punch service in the same transaction as the punch: `in`, `out` or `on_break`.
  await db.schema
    .alterTable('employees')
    .addColumn('clock_status', 'text', (c) => c.notNull().defaultTo('out'))
    .execute();
  await db.schema
    .createIndex('employees_account_clock_idx')
    .on('employees')
    .columns(['account_id', 'clock_status'])
    .execute();
  await linkTable(db, 'employee_locations', 'employee_id', 'location_id');
  await linkTable(db, 'employee_groups', 'employee_id', 'group_id');
  await linkTable(db, 'geofence_employees', 'geofence_id', 'employee_id');

  await objectTable(db, 'punches', (c) =>
    c
      .addColumn('employee_id', 'text', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('punched_at', t.timestamp, (col) => col.notNull())
      .addColumn('location_id', 'text')
      .addColumn('department_code_id', 'text')
      .addColumn('cost_code_id', 'text')
      .addColumn('latitude', real)
      .addColumn('longitude', real)
      .addColumn('accuracy_meters', real)
      .addColumn('source', 'text', (col) => col.notNull())
      .addColumn('within_geofence', t.boolean)
      .addColumn('distance_meters', real)
      .addColumn('geofence_id', 'text')
      .addColumn('time_entry_id', 'text'),
  );
  await listIndexes(db, 'punches');
  await db.schema
    .createIndex('punches_employee_idx')
    .on('punches')
    .columns(['account_id', 'employee_id', 'punched_at'])
    .execute();

  await objectTable(db, 'time_entries', (c) =>
    c
      .addColumn('employee_id', 'text', (col) => col.notNull())
      .addColumn('start_at', t.timestamp, (col) => col.notNull())
      .addColumn('end_at', t.timestamp)
      .addColumn('break_seconds', 'integer', (col) => col.notNull())
      .addColumn('location_id', 'text')
      .addColumn('department_code_id', 'text')
      .addColumn('cost_code_id', 'text')
      .addColumn('position_id', 'text')
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('source', 'text', (col) => col.notNull())
      .addColumn('notes', 'text'),
  );
  await listIndexes(db, 'time_entries');
  await db.schema
    .createIndex('time_entries_employee_idx')
    .on('time_entries')
    .columns(['account_id', 'employee_id', 'start_at'])
    .execute();
  await db.schema
    .createIndex('time_entries_start_idx')
    .on('time_entries')
    .columns(['account_id', 'start_at'])
    .execute();

  await db.schema
    .createTable('pay_schedules')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('anchor_date', 'text', (c) => c.notNull())
    .addColumn('overtime_rule', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await objectTable(db, 'pay_periods', (c) =>
    c
      .addColumn('start_date', 'text', (col) => col.notNull())
      .addColumn('end_date', 'text', (col) => col.notNull())
      .addColumn('locked', t.boolean, (col) => col.notNull())
      .addColumn('locked_at', t.timestamp),
  );
  await listIndexes(db, 'pay_periods');
  await db.schema
    .createIndex('pay_periods_account_start_uq')
    .on('pay_periods')
    .columns(['account_id', 'start_date'])
    .unique()
    .execute();

  await objectTable(db, 'time_cards', (c) =>
    c
      .addColumn('employee_id', 'text', (col) => col.notNull())
      .addColumn('pay_period_id', 'text', (col) => col.notNull())
      .addColumn('approved', t.boolean, (col) => col.notNull())
      .addColumn('approved_at', t.timestamp),
  );
  await listIndexes(db, 'time_cards');
  await db.schema
    .createIndex('time_cards_period_employee_uq')
    .on('time_cards')
    .columns(['account_id', 'pay_period_id', 'employee_id'])
    .unique()
    .execute();

  await objectTable(db, 'time_off_requests', (c) =>
    c
      .addColumn('employee_id', 'text', (col) => col.notNull())
      .addColumn('type', 'text', (col) => col.notNull())
      .addColumn('start_date', 'text', (col) => col.notNull())
      .addColumn('end_date', 'text', (col) => col.notNull())
      .addColumn('hours_per_day', real, (col) => col.notNull())
      .addColumn('note', 'text')
      .addColumn('status', 'text', (col) => col.notNull())
      .addColumn('decided_at', t.timestamp),
  );
  await listIndexes(db, 'time_off_requests');
  await db.schema
    .createIndex('time_off_requests_employee_idx')
    .on('time_off_requests')
    .columns(['account_id', 'employee_id', 'start_date'])
    .execute();

  await objectTable(db, 'shifts', (c) =>
    c
      .addColumn('employee_id', 'text')
      .addColumn('location_id', 'text')
      .addColumn('position_id', 'text')
      .addColumn('start_at', t.timestamp, (col) => col.notNull())
      .addColumn('end_at', t.timestamp, (col) => col.notNull())
      .addColumn('break_minutes', 'integer', (col) => col.notNull())
      .addColumn('published', t.boolean, (col) => col.notNull())
      .addColumn('notes', 'text'),
  );
  await listIndexes(db, 'shifts');
  await db.schema.createIndex('shifts_start_idx').on('shifts').columns(['account_id', 'start_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'shifts',
    'time_off_requests',
    'time_cards',
    'pay_periods',
    'pay_schedules',
    'time_entries',
    'punches',
    'geofence_employees',
    'employee_groups',
    'employee_locations',
    'geofences',
    'cost_codes',
    'groups',
    'positions',
    'department_codes',
    'locations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await db.schema.dropIndex('employees_account_clock_idx').execute();
  for (const column of ['clock_status', 'position_id', 'department_code_id']) {
    await db.schema.alterTable('employees').dropColumn(column).execute();
  }
}
