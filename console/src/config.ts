/** What the host serving the console says about itself (GET /config.json): where the API is, how to sign in. */
export interface DemoUser {
  key: string;
  name: string;
  role: string;
  what: string;
  language: string;
}

export interface ConsoleConfig {
  /** "local": the local stack's demo users; "cognito": the user pool's hosted UI (authorization code + PKCE). */
  mode: "local" | "cognito";
  apiUrl: string;
  users?: DemoUser[];
  authority?: string;
  clientId?: string;
  hostedUiDomain?: string;
  /** The timezone shown to callers who see no property record (residents). */
  timezone?: string;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  const reply = await fetch("/config.json", { cache: "no-store" });
  if (!reply.ok) throw new Error(`config.json: ${reply.status}`);
  return (await reply.json()) as ConsoleConfig;
}
