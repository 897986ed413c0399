/** What the host serving the console says about itself (GET /config.json): where the API is, how to sign in. */
export interface DemoUser {
  key: string;
  name: string;
  role: string;
  what: string;
  language: string;
}

export interface ConsoleConfig {
  /** "cognito": on AWS; "local": the local stack, whose hosted UI lists its demo users. Both sign in alike. */
  mode: "local" | "cognito";
  apiUrl: string;
  /** The user pool's issuer (the tokens' iss), the app client, and the hosted UI's address (scheme included). */
  authority: string;
  clientId: string;
  hostedUiUrl: string;
  /** Where the discovery document is, when not under the issuer (the local stack serves it itself). */
  metadataUrl?: string;
  /** The local stack's demo users: their names and languages for the header. */
  users?: DemoUser[];
  /** The timezone shown to callers who see no property record (residents). */
  timezone?: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const reply = await fetch("/config.json", { cache: "no-store" });
  if (!reply.ok) throw new Error(`config.json: ${reply.status}`);
  return (await reply.json()) as ConsoleConfig;
}
