/**
 * The OpenAPI document (contract/changesets/openapi.yaml) and the zod schemas
 * (contract/changesets/schemas.ts) describe the same API: for every schema, the same
 * properties, the same required ones, compatible types, equal enums, the same nullability and
 * closedness; sample objects are accepted by both and broken ones refused by both.
 *
 * The comparison converts the zod schema with `z.toJSONSchema` and walks both JSON Schemas side
 * by side; the samples are checked against the OpenAPI side with a small validator of the JSON
 * Schema subset the document uses. No dependency beyond `yaml`.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as schemas from '../../contract/changesets/schemas.ts';
import { changeSetRequest, sampleProofResult, walkTo } from '../reference-api/seed.ts';

type Json = Record<string, unknown>;

const document = parse(readFileSync(new URL('../../contract/changesets/openapi.yaml', import.meta.url), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; parameters: Record<string, Json> };
};
const components = document.components.schemas;

function resolve(node: Json): Json {
  let current = node;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) {
    const name = /^#\/components\/schemas\/(.+)$/.exec(current.$ref as string)?.[1];
    if (!name || !components[name]) throw new Error(`unresolvable $ref ${String(current.$ref)}`);
    current = components[name]!;
  }
  return current;
}

// ── a normal form of both sides ──────────────────────────────────────────────────────────────

interface Shape {
  kind: string; // string | number | integer | boolean | array | object | record | any
  nullable: boolean;
  enum?: string[];
  format?: string;
  closed?: boolean;
  properties?: Record<string, Shape>;
  required?: string[];
  items?: Shape;
  values?: Shape;
}

function shape(raw: Json): Shape {
  const node = resolve(raw);
  const branches = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (branches) {
    const nonNull = branches.filter((b) => resolve(b).type !== 'null');
    if (nonNull.length === 1 && branches.length === 2) return { ...shape(nonNull[0]!), nullable: true };
    throw new Error(`unsupported union ${JSON.stringify(node)}`);
  }
  const types = Array.isArray(node.type) ? (node.type as string[]) : node.type === undefined ? [] : [node.type as string];
  const nullable = types.includes('null');
  const type = types.find((t) => t !== 'null') ?? (node.const !== undefined ? 'string' : 'any');
  const base: Shape = { kind: type, nullable };
  if (node.enum) base.enum = [...(node.enum as string[])].sort();
  if (node.const !== undefined) base.enum = [String(node.const)];
  if (typeof node.format === 'string') base.format = node.format;
  if (type === 'array') base.items = node.items ? shape(node.items as Json) : { kind: 'any', nullable: false };
  if (type === 'object') {
    if (node.properties) {
      base.properties = Object.fromEntries(Object.entries(node.properties as Record<string, Json>).map(([k, v]) => [k, shape(v)]));
      base.required = [...((node.required as string[] | undefined) ?? [])].sort();
      base.closed = node.additionalProperties === false;
    } else {
      base.kind = 'record';
      base.values = typeof node.additionalProperties === 'object' && node.additionalProperties !== null
        ? shape(node.additionalProperties as Json) : { kind: 'any', nullable: false };
    }
  }
  return base;
}

/** Differences between the OpenAPI shape and the zod shape, as readable paths. */
function compare(openapi: Shape, zod: Shape, path: string, looseEnums: ReadonlySet<string>): string[] {
  const out: string[] = [];
  if (openapi.kind !== zod.kind && !(openapi.kind === 'any' || zod.kind === 'any')) out.push(`${path}: OpenAPI ${openapi.kind}, zod ${zod.kind}`);
  if (openapi.nullable !== zod.nullable) out.push(`${path}: nullable ${openapi.nullable} vs ${zod.nullable}`);
  if (openapi.enum || zod.enum) {
    const same = JSON.stringify(openapi.enum) === JSON.stringify(zod.enum);
    if (!same && !(looseEnums.has(path) && !zod.enum)) out.push(`${path}: enum ${JSON.stringify(openapi.enum)} vs ${JSON.stringify(zod.enum)}`);
  }
  if (openapi.format === 'date-time' && zod.format !== 'date-time') out.push(`${path}: OpenAPI date-time, zod ${zod.format ?? 'no format'}`);
  if (openapi.kind === 'object' && zod.kind === 'object') {
    const a = Object.keys(openapi.properties ?? {}).sort();
    const b = Object.keys(zod.properties ?? {}).sort();
    for (const key of a.filter((k) => !b.includes(k))) out.push(`${path}.${key}: only in OpenAPI`);
    for (const key of b.filter((k) => !a.includes(k))) out.push(`${path}.${key}: only in zod`);
    if (JSON.stringify(openapi.required) !== JSON.stringify(zod.required)) out.push(`${path}: required ${JSON.stringify(openapi.required)} vs ${JSON.stringify(zod.required)}`);
    if (openapi.closed !== zod.closed) out.push(`${path}: additionalProperties false ${openapi.closed} vs ${zod.closed}`);
    for (const key of a.filter((k) => b.includes(k))) out.push(...compare(openapi.properties![key]!, zod.properties![key]!, `${path}.${key}`, looseEnums));
  }
  if (openapi.items && zod.items) out.push(...compare(openapi.items, zod.items, `${path}[]`, looseEnums));
  if (openapi.values && zod.values) out.push(...compare(openapi.values, zod.values, `${path}{}`, looseEnums));
  return out;
}

const zodShape = (schema: z.ZodType): Shape => shape(z.toJSONSchema(schema, { io: 'input' }) as Json);

// ── a validator for the OpenAPI side ─────────────────────────────────────────────────────────

function validate(value: unknown, raw: Json, path = '$'): string[] {
  const node = resolve(raw);
  if (node.oneOf) {
    const passing = (node.oneOf as Json[]).filter((b) => validate(value, b, path).length === 0).length;
    return passing === 1 ? [] : [`${path}: matches ${passing} oneOf branches`];
  }
  const types = Array.isArray(node.type) ? (node.type as string[]) : node.type === undefined ? [] : [node.type as string];
  const typeOf = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
  if (types.length > 0 && !types.some((t) => t === typeOf || (t === 'number' && typeOf === 'integer'))) return [`${path}: ${typeOf} is not ${types.join('|')}`];
  if (value === null) return [];
  const errors: string[] = [];
  if (node.enum && !(node.enum as unknown[]).includes(value)) errors.push(`${path}: ${String(value)} not in enum`);
  if (typeof value === 'string') {
    if (typeof node.minLength === 'number' && value.length < node.minLength) errors.push(`${path}: shorter than ${node.minLength}`);
    if (typeof node.maxLength === 'number' && value.length > node.maxLength) errors.push(`${path}: longer than ${node.maxLength}`);
    if (typeof node.pattern === 'string' && !new RegExp(node.pattern).test(value)) errors.push(`${path}: does not match ${node.pattern}`);
    if (node.format === 'date-time' && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value)) errors.push(`${path}: not a date-time`);
  }
  if (typeof value === 'number') {
    if (typeof node.minimum === 'number' && value < node.minimum) errors.push(`${path}: below ${node.minimum}`);
    if (typeof node.maximum === 'number' && value > node.maximum) errors.push(`${path}: above ${node.maximum}`);
    if (typeof node.exclusiveMinimum === 'number' && value <= node.exclusiveMinimum) errors.push(`${path}: not above ${node.exclusiveMinimum}`);
    if (typeof node.exclusiveMaximum === 'number' && value >= node.exclusiveMaximum) errors.push(`${path}: not below ${node.exclusiveMaximum}`);
  }
  if (Array.isArray(value) && node.items) value.forEach((item, i) => errors.push(...validate(item, node.items as Json, `${path}[${i}]`)));
  if (typeOf === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (node.properties ?? {}) as Record<string, Json>;
    for (const key of (node.required as string[] | undefined) ?? []) if (!(key in object)) errors.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) errors.push(...validate(item, properties[key]!, `${path}.${key}`));
      else if (node.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      else if (typeof node.additionalProperties === 'object' && node.additionalProperties !== null) errors.push(...validate(item, node.additionalProperties as Json, `${path}.${key}`));
    }
  }
  return errors;
}

// ── the pairs ────────────────────────────────────────────────────────────────────────────────

const PAIRS: [string, z.ZodType][] = [
  ['ChangeSetStatus', schemas.changeSetStatusSchema],
  ['AuditAction', schemas.auditActionSchema],
  ['ErrorCode', schemas.apiErrorCodeSchema],
  ['Actor', schemas.actorSchema],
  ['Interval', schemas.intervalSchema],
  ['ProofResult', schemas.proofResultSchema],
  ['Hypothesis', schemas.hypothesisSchema],
  ['ActionPlan', schemas.actionPlanSchema],
  ['Guardrails', schemas.guardrailsSchema],
  ['RollbackPlan', schemas.rollbackPlanSchema],
  ['ProofPlan', schemas.proofPlanSchema],
  ['Approval', schemas.approvalSchema],
  ['Execution', schemas.executionSchema],
  ['AuditEvent', schemas.auditEventSchema],
  ['ChangeSet', schemas.changeSetSchema],
  ['CreateChangeSetRequest', schemas.createChangeSetRequestSchema],
  ['TransitionRequest', schemas.transitionRequestSchema],
  ['ErrorEnvelope', schemas.errorEnvelopeSchema],
  ['ChangeSetEnvelope', schemas.changeSetEnvelopeSchema],
  ['ChangeSetListEnvelope', schemas.changeSetListEnvelopeSchema],
  ['AuditListEnvelope', schemas.auditListEnvelopeSchema],
];

/** The client reads `error.code` as any string so that new server codes still surface. */
const LOOSE_ENUMS = new Set(['ErrorEnvelope.error.code']);

const proven = walkTo(changeSetRequest({ featureFlagKey: 'checkout-redesign' }), 'PROVEN', { id: 'chg_sample', start: new Date('2026-03-01T00:00:00Z') });
const samples: [string, unknown][] = [
  ['ChangeSet', proven.changeset],
  ['AuditEvent', proven.events[0]],
  ['ProofResult', sampleProofResult('checkout-redesign')],
  ['CreateChangeSetRequest', changeSetRequest()],
  ['TransitionRequest', { to: 'PROVEN', expectedVersion: 4, reason: 'winner', actor: { type: 'user', id: 'a@example.com' }, proofResult: sampleProofResult('x'), confirm: false }],
  ['ErrorEnvelope', { error: { code: 'version_conflict', message: 'moved', details: { expectedVersion: 3, currentVersion: 4 }, request_id: 'r-1' } }],
  ['ChangeSetListEnvelope', { data: [proven.changeset], meta: { nextCursor: null, limit: 50 } }],
  ['AuditListEnvelope', { data: proven.events, meta: { count: proven.events.length } }],
];

const zodOf = (name: string): z.ZodType => PAIRS.find(([n]) => n === name)![1];

describe('OpenAPI document ↔ zod schemas', () => {
  it('is OpenAPI 3.1 with the five endpoints of docs/changesets.md', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'GET /v1/changesets', 'GET /v1/changesets/{id}', 'GET /v1/changesets/{id}/audit', 'POST /v1/changesets', 'POST /v1/changesets/{id}/transitions',
    ]);
    const list = document.paths['/v1/changesets']!.get as { parameters: Json[] };
    expect(list.parameters.map((p) => resolveParameter(p).name).sort()).toEqual(['X-Request-Id', 'cursor', 'limit', 'status']);
    for (const path of ['/v1/changesets', '/v1/changesets/{id}/transitions']) {
      const post = document.paths[path]!.post as { parameters: Json[]; responses: Record<string, unknown> };
      expect(post.parameters.map((p) => resolveParameter(p).name)).toContain('Idempotency-Key');
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['401', '403', '422', '429', '500']));
    }
    const transition = document.paths['/v1/changesets/{id}/transitions']!.post as { responses: Record<string, unknown> };
    expect(Object.keys(transition.responses)).toContain('409');
  });

  it.each(PAIRS)('%s has the same properties, required fields, types and enums', (name, schema) => {
    expect(compare(shape(components[name]!), zodShape(schema), name, LOOSE_ENUMS)).toEqual([]);
  });

  it('the comparison notices a missing field, a type change, an enum change and optionality', () => {
    const actor = schemas.actorSchema;
    expect(compare(shape(components.Actor!), zodShape(actor.extend({ id: z.number() })), 'Actor', LOOSE_ENUMS)).toEqual(['Actor.id: OpenAPI string, zod number']);
    expect(compare(shape(components.Actor!), zodShape(actor.extend({ type: z.enum(['user', 'system']) })), 'Actor', LOOSE_ENUMS)).toHaveLength(1);
    expect(compare(shape(components.Actor!), zodShape(actor.extend({ id: z.string().optional() })), 'Actor', LOOSE_ENUMS)).toHaveLength(1);
    expect(compare(shape(components.Actor!), zodShape(actor.extend({ extra: z.string() })), 'Actor', LOOSE_ENUMS)).toEqual(expect.arrayContaining(['Actor.extra: only in zod']));
    expect(compare(shape(components.Interval!), zodShape(schemas.intervalSchema.extend({ estimate: z.number() })), 'Interval', LOOSE_ENUMS)).toHaveLength(1);
    expect(compare(shape(components.TransitionRequest!), zodShape(schemas.transitionRequestSchema.strip()), 'TransitionRequest', LOOSE_ENUMS)).toHaveLength(1);
  });

  it('names every error code with its HTTP status', () => {
    expect([...(components.ErrorCode!.enum as string[])].sort()).toEqual([...schemas.API_ERROR_CODES].sort());
    expect(schemas.API_ERROR_STATUS).toMatchObject({ version_conflict: 409, invalid_transition: 422, idempotency_key_reused: 422, rate_limited: 429, unauthorized: 401, forbidden: 403, not_found: 404 });
  });

  it.each(samples)('a sample %s is valid under both', (name, sample) => {
    expect(validate(sample, components[name]!)).toEqual([]);
    expect(zodOf(name).safeParse(sample).success).toBe(true);
  });

  it('broken samples are refused by both', () => {
    const { storeId: _storeId, ...missing } = proven.changeset;
    const broken: [string, unknown][] = [
      ['ChangeSet', missing],
      ['ChangeSet', { ...proven.changeset, execution: { ...proven.changeset.execution, status: 'SHIPPED' } }],
      ['ProofResult', { ...sampleProofResult('x'), dataHash: 'md5:abc' }],
      ['TransitionRequest', { to: 'PROVEN', expectedVersion: 0, reason: 'x', actor: { type: 'user', id: 'a' } }],
      ['TransitionRequest', { to: 'PROVEN', expectedVersion: 2, reason: 'x', actor: { type: 'user', id: 'a' }, force: true }],
      ['AuditEvent', { ...proven.events[0], action: 'deleted' }],
    ];
    for (const [name, sample] of broken) {
      expect(validate(sample, components[name]!), name).not.toEqual([]);
      expect(zodOf(name).safeParse(sample).success, name).toBe(false);
    }
  });
});

function resolveParameter(node: Json): Json {
  const name = typeof node.$ref === 'string' ? /^#\/components\/parameters\/(.+)$/.exec(node.$ref)?.[1] : undefined;
  return name ? document.components.parameters[name]! : node;
}
