import { describe, expect, it } from 'vitest';
import {
  deviationText, formatDateTime, formatIsoDuration, formatMinorUnits, outboxStateText, statusLabel, stepLabel,
} from './changesets.ts';

const error = { status: 422, code: 'invalid_transition', message: 'PROVEN → PROVEN is not a ChangeSet transition', requestId: 'r1', details: {}, at: '2026-03-24T10:00:00.000Z' };

describe('ChangeSet text', () => {
  it('says each outbox state in words, a 409 as the conflict message', () => {
    expect(outboxStateText({ state: 'queued', lastError: null, conflict: null })).toBe('Queued — will be sent when the API is reachable');
    expect(outboxStateText({ state: 'sending', lastError: null, conflict: null })).toBe('Sending…');
    expect(outboxStateText({ state: 'synced', lastError: null, conflict: null })).toBe('Synced');
    expect(outboxStateText({ state: 'discarded', lastError: null, conflict: null })).toBe('Discarded');
    expect(outboxStateText({ state: 'failed', lastError: error, conflict: null })).toBe('Failed: PROVEN → PROVEN is not a ChangeSet transition');
    expect(outboxStateText({ state: 'failed', lastError: { ...error, code: 'version_conflict' }, conflict: { expectedVersion: 4, currentVersion: 5, currentState: 'ROLLED_BACK' } }))
      .toBe('Failed: This ChangeSet changed since your analysis');
  });

  it('names the lifecycle steps', () => {
    expect(stepLabel('PENDING_APPROVAL', 'ACTIVE')).toBe('Approve');
    expect(stepLabel('PENDING_APPROVAL', 'DRAFT')).toBe('Reject');
    expect(stepLabel('DRAFT', 'PENDING_APPROVAL')).toBe('Submit for approval');
    expect(stepLabel('ROLLED_BACK', 'PERMANENT')).toBe('Make the rollback permanent');
    expect(stepLabel('PROVEN', 'PERMANENT')).toBe('Make permanent');
    expect(statusLabel('PENDING_APPROVAL')).toBe('PENDING APPROVAL');
  });

  it('formats timestamps, minor units, durations and the banner deviation', () => {
    expect(formatDateTime('2026-03-24T10:00:12.345Z')).toBe('2026-03-24 10:00:12 UTC');
    expect(formatDateTime(null)).toBe('—');
    expect(formatMinorUnits(250_000)).toBe('2,500.00');
    expect(formatIsoDuration('PT5M')).toBe('5 min');
    expect(formatIsoDuration('P14D')).toBe('14 days');
    expect(formatIsoDuration('P1DT2H')).toBe('1 day 2 h');
    expect(formatIsoDuration('P2M')).toBe('P2M');
    expect(formatIsoDuration('soon')).toBe('soon');
    expect(deviationText([0.05, 0.1])).toBe('5%');
    expect(deviationText([0.025])).toBe('2.5%');
  });
});
