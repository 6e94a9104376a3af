/** Shared pieces of the ChangeSet tests: fast clients for the reference server, and actors. */
import { createChangeSetClient, type ChangeSetClient, type ChangeSetClientOptions } from '../../data/changesets/client.ts';
import type { ReferenceServer } from '../reference-api/server.ts';

export const analyst = { type: 'user' as const, id: 'analyst@example.com' };
export const lead = { type: 'user' as const, id: 'lead@example.com' };

/** A client with test-sized timeouts and backoff (ms), deterministic jitter unless given. */
export function testClient(server: Pick<ReferenceServer, 'url' | 'token'>, options: Partial<ChangeSetClientOptions> = {}): ChangeSetClient {
  return createChangeSetClient({
    baseUrl: server.url,
    token: () => server.token,
    timeoutMs: 2_000,
    maxAttempts: 4,
    baseDelayMs: 5,
    maxDelayMs: 50,
    random: () => 0.5,
    ...options,
  });
}

/** Resolves after `ms`. */
export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
