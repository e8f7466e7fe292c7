import { Type } from '@sinclair/typebox';
import { idPattern } from '../../shared/ids.js';
import { API_KEYS } from './resource.js';

const nullableDateTime = (description: string) =>
  Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description });

export const ApiKeySchema = Type.Object(
  {
    id: Type.String({ pattern: idPattern(API_KEYS), examples: ['key_01JD2X6Y3Z4A5B6C7D8E9F0G1H'] }),
    object: Type.Literal('api_key'),
    name: Type.String({ description: 'What the key is for.', examples: ['Payroll sync'] }),
    displayPrefix: Type.String({
      description: '`pc_live_` and the first 4 hex of the key.',
      examples: ['pc_live_3f9a'],
    }),
    last4: Type.String({ description: 'The last 4 characters of the key.', examples: ['c0de'] }),
    scopes: Type.Array(Type.String(), {
      description: 'Granted scopes (`{resource}:read|write`), or `["*"]` for full access.',
      examples: [['employees:read', 'timeentries:read']],
    }),
    fieldRestrictions: Type.Union([Type.Record(Type.String(), Type.Array(Type.String())), Type.Null()], {
      description: 'Per resource, the only fields this key may read and write.',
      examples: [{ employees: ['firstName', 'lastName'] }],
    }),
    status: Type.Union([Type.Literal('active'), Type.Literal('revoked'), Type.Literal('expired')]),
    expiresAt: nullableDateTime('When the key stops working, if it expires.'),
    rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Per-key request limit per minute, on top of the account limit.',
    }),
    createdBy: Type.String({
      description: 'Id of the administrator who owns the key, or `operator` when issued by the operator.',
      examples: ['usr_01JD2X6Y3Z4A5B6C7D8E9F0G1H'],
    }),
    replacedBy: Type.Union([Type.String(), Type.Null()], {
      description: 'After a roll: the id of the replacement key.',
    }),
    lastUsedAt: nullableDateTime('Last authenticated request (updated at most once a minute).'),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'An API key. The key itself is shown only once, when it is created.' },
);
