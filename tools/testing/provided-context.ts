import 'vitest';

/** What the infra global setup hands to every integration test through `inject()`. */
declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    storageConnectionString: string;
  }
}
