import { countAccounts } from '../platform/accounts/repository.js';
import { createAccountWithAdmin } from '../platform/accounts/service.js';
import { createApiKey } from '../platform/api-keys/service.js';
import type { ServiceContext } from '../platform/context.js';
import { createEmployee } from '../resources/employees/service.js';

export interface DemoCredentials {
  accountId: string;
  adminEmail: string;
  adminPassword: string;
  apiKey: string;
}

const DEMO_EMPLOYEES = [
  {
    firstName: 'Maria',
    lastName: 'Lopez',
    email: 'maria.lopez@demo.punchclock.test',
    employeeRef: 'DEMO-001',
    role: 'manager',
  },
  {
    firstName: 'James',
    lastName: 'Okafor',
    email: 'james.okafor@demo.punchclock.test',
    employeeRef: 'DEMO-002',
  },
  {
    firstName: 'Aiko',
    lastName: 'Tanaka',
    email: 'aiko.tanaka@demo.punchclock.test',
    employeeRef: 'DEMO-003',
  },
  {
    firstName: 'Lukas',
    lastName: 'Schmidt',
    email: 'lukas.schmidt@demo.punchclock.test',
    employeeRef: 'DEMO-004',
  },
  {
    firstName: 'Priya',
    lastName: 'Nair',
    email: 'priya.nair@demo.punchclock.test',
    employeeRef: 'DEMO-005',
    payRate: 27.5,
  },
] as const;

/**
 * On the first start with an empty database, creates "Demo Co" with an administrator, a few employees and one
 * full-access key, and returns the credentials to print once. Returns null when the database already has data.
 */
export async function seedDemoIfEmpty(ctx: ServiceContext): Promise<DemoCredentials | null> {
  if ((await countAccounts(ctx.database.db)) > 0) return null;
  const { account, admin } = await createAccountWithAdmin(ctx, {
    name: 'Demo Co',
    plan: 'pro',
    timezone: 'America/New_York',
    apiAccess: true,
    adminEmail: 'admin@demo.punchclock.test',
    adminName: 'Demo Admin',
  });
  for (const employee of DEMO_EMPLOYEES) await createEmployee(ctx, account.id, employee);
  const { key } = await createApiKey(ctx, account.id, {
    name: 'Demo full access',
    scopes: ['*'],
    createdBy: admin.id,
  });
  return { accountId: account.id, adminEmail: admin.email, adminPassword: admin.password, apiKey: key };
}

export function demoBanner(credentials: DemoCredentials, publicUrl: string): string {
  return [
    '',
    '  Punchclock demo account "Demo Co" created (shown once; store these now):',
    '',
    `    Account:   ${credentials.accountId}`,
    `    Portal:    ${publicUrl}/portal  (sign in as below)`,
    `    Admin:     ${credentials.adminEmail}`,
    `    Password:  ${credentials.adminPassword}`,
    `    API key:   ${credentials.apiKey}  (full access)`,
    `    Docs:      ${publicUrl}/docs`,
    '',
    `    curl -H "Authorization: Bearer ${credentials.apiKey}" ${publicUrl}/v1/employees`,
    '',
  ].join('\n');
}
