/** Plans and what each allows: the single table that rate limits, caps and key limits are read from. */
export const PLANS = ['trial', 'starter', 'pro', 'enterprise'] as const;
export type Plan = (typeof PLANS)[number];

export interface PlanLimits {
  /** Trial accounts may hold only one active API key (DESIGN §3.1). */
  readonly maxActiveKeys: number | null;
  /** The account's sliding-window request budget per minute, across all its keys (DESIGN §3.6). */
  readonly requestsPerMinute: number;
  /** Write requests (POST, PUT, PATCH, DELETE) per sliding 24 hours; null for no cap. */
  readonly dailyWriteCap: number | null;
  /** Caps on how many objects of a kind the account may hold; null for no cap. */
  readonly maxEmployees: number | null;
  readonly maxLocations: number | null;
  readonly maxWebhookEndpoints: number | null;
}

const UNCAPPED = {
  maxActiveKeys: null,
  dailyWriteCap: null,
  maxEmployees: null,
  maxLocations: null,
  maxWebhookEndpoints: null,
} as const;

export const PLAN_LIMITS: Readonly<Record<Plan, PlanLimits>> = {
  trial: {
    maxActiveKeys: 1,
    requestsPerMinute: 60,
    dailyWriteCap: 500,
    maxEmployees: 25,
    maxLocations: 5,
    maxWebhookEndpoints: 2,
  },
  starter: { ...UNCAPPED, requestsPerMinute: 600 },
  pro: { ...UNCAPPED, requestsPerMinute: 600 },
  enterprise: { ...UNCAPPED, requestsPerMinute: 1000 },
};

/**
 * Requests refused with 401, per client IP and minute. Generous, because many clients can share one address (an
 * office behind NAT); its job is to slow key guessing, which never touches an account's own budget.
 */
export const AUTH_FAILURES_PER_IP_PER_MINUTE = 300;

/**
 * /v1 requests charged to no account (public routes, unknown routes, accounts with API access off), per client IP
 * and minute: every /v1 response carries rate-limit headers (DESIGN §3.6), and these need a budget too.
 */
export const ANONYMOUS_REQUESTS_PER_IP_PER_MINUTE = 600;

/**
 * Failed portal sign-ins per 15 minutes, per client address and per email: enough for people who mistype, far too
 * few to guess a password. Counted apart from the API's budgets.
 */
export const SIGN_IN_FAILURES_PER_IP = 30;
export const SIGN_IN_FAILURES_PER_EMAIL = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export function isPlan(value: string): value is Plan {
  return (PLANS as readonly string[]).includes(value);
}
