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

/** What the console asks the hosted UI for: the user pool client must allow each (template.yaml). */
export const SCOPE = "openid email profile";

// oidc-client-ts is loaded only when someone signs in, so a signed-in visit's first load stays small.
// The same flow runs everywhere: Cognito's hosted UI on AWS, the local stack's stand-in on `make local`.
async function userManager(config: ConsoleConfig) {
  const { UserManager, WebStorageStateStore } = await import("oidc-client-ts");
  return new UserManager({
    authority: config.authority,
    // Cognito publishes its discovery document under the issuer; the local stack serves it on its own origin.
    ...(config.metadataUrl ? { metadataUrl: config.metadataUrl } : {}),
    client_id: config.clientId,
    redirect_uri: `${location.origin}/`,
    post_logout_redirect_uri: `${location.origin}/`,
    response_type: "code",
    scope: SCOPE,
    // The console keeps the ID token itself and signs in again when it expires.
    automaticSilentRenew: false,
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

/** To the hosted UI's login page (authorization code with PKCE); it sends the person back with ?code=. */
export async function startSignIn(config: ConsoleConfig): Promise<void> {
  await (await userManager(config)).signinRedirect();
}

/** The hosted UI's refusal on the way back (?error=...), shown instead of sending the person round again. */
export function signInRefusal(): string | null {
  const query = new URLSearchParams(location.search);
  const error = query.get("error");
  return error ? `${error}: ${query.get("error_description") ?? ""}`.trim() : null;
}

/** Back from the hosted UI with ?code=...: exchange it (PKCE) for tokens; the API takes the ID token. */
export async function finishSignIn(config: ConsoleConfig): Promise<Session | null> {
  if (!new URLSearchParams(location.search).has("code")) return null;
  const user = await (await userManager(config)).signinRedirectCallback();
  history.replaceState(null, "", "/");
  return user.id_token ? keep(user.id_token) : null;
}

/** Forget the tokens here, then end the hosted UI's session: its /logout sends the person back to the console. */
export async function signOut(config: ConsoleConfig): Promise<void> {
  sessionStorage.removeItem(STORE);
  await (await userManager(config)).removeUser();
  const back = encodeURIComponent(`${location.origin}/`);
  location.assign(`${config.hostedUiUrl}/logout?client_id=${encodeURIComponent(config.clientId)}&logout_uri=${back}`);
}
