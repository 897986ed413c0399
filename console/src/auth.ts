import type { ConsoleConfig } from "./config";

/** The signed-in person as the API sees them: the ID token and the claims the console needs. */
export interface Session {
  token: string;
  sub: string;
  role: string;
  username: string;
  expiresAt: number;
}

const STORE = "propdesk.session";

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

export function sessionOf(token: string): Session {
  const claims = claimsOf(token);
  // API Gateway's JWT authorizer and the API read the role from the Cognito groups, so the console does too.
  const groups = (claims["cognito:groups"] as string[] | undefined) ?? [];
  return {
    token,
    sub: String(claims.sub ?? ""),
    role: groups[0] ?? "resident",
    username: String(claims["cognito:username"] ?? claims.email ?? ""),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

export function restore(): Session | null {
  const token = sessionStorage.getItem(STORE);
  if (!token) return null;
  const session = sessionOf(token);
  return session.expiresAt > Date.now() + 60_000 ? session : null;
}

function keep(token: string): Session {
  sessionStorage.setItem(STORE, token);
  return sessionOf(token);
}

/** The local stack only: a token for a demo user from its development token endpoint. */
export async function signInAsDemoUser(user: string): Promise<Session> {
  const reply = await fetch("/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user }),
  });
  if (!reply.ok) throw new Error(`sign-in refused (${reply.status})`);
  const { token } = (await reply.json()) as { token: string };
  return keep(token);
}

// oidc-client-ts is loaded only where Cognito signs people in, so the local console's first load stays small.
async function userManager(config: ConsoleConfig) {
  const { UserManager, WebStorageStateStore } = await import("oidc-client-ts");
  return new UserManager({
    authority: config.authority ?? "",
    client_id: config.clientId ?? "",
    redirect_uri: `${location.origin}/`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: "code",
    scope: "openid email profile",
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

export async function startHostedSignIn(config: ConsoleConfig): Promise<void> {
  await (await userManager(config)).signinRedirect();
}

/** Back from the hosted UI with ?code=...: exchange it (PKCE) for tokens; the API takes the ID token. */
export async function finishHostedSignIn(config: ConsoleConfig): Promise<Session | null> {
  if (config.mode !== "cognito" || !new URLSearchParams(location.search).has("code")) return null;
  const user = await (await userManager(config)).signinRedirectCallback();
  history.replaceState(null, "", "/");
  return user.id_token ? keep(user.id_token) : null;
}

export async function signOut(config: ConsoleConfig): Promise<void> {
  sessionStorage.removeItem(STORE);
  if (config.mode === "cognito") {
    await (await userManager(config)).removeUser();
    if (config.hostedUiDomain) {
      const back = encodeURIComponent(`${location.origin}/`);
      location.assign(`https://${config.hostedUiDomain}/logout?client_id=${config.clientId}&logout_uri=${back}`);
    }
  }
}
