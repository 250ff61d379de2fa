// In-process node-opcua test servers for the suites and benchmarks, through the agent's public
// entry. node-opcua's server is a dev dependency: it loads on first use, not with the entry.
import type { TestServer, TestServerOptions } from './opcua/testing.ts';

export type { TestServer, TestServerOptions };

export async function startTestServer(o: TestServerOptions): Promise<TestServer> {
  return (await import('./opcua/testing.ts')).startTestServer(o);
}
