import createClient from "openapi-fetch";
import type { components, paths } from "./api/schema";

export type Schemas = components["schemas"];
export type Ticket = Schemas["TicketView"];
export type SlaTarget = Schemas["SlaTarget"];
export type Property = Schemas["Property"];
export type Staff = Schemas["Staff"];
// A resident as the property's list shows them: the gate's list carries no phone number.
export type Resident = Schemas["ResidentListing"];
export type Unit = Schemas["Unit"];
export type Building = Schemas["Building"];
export type Api = ReturnType<typeof makeApi>;

/** A refusal of the API in its one shape {"error","message","details"}, or the gateway's {"message"}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function makeApi(baseUrl: string, token: string) {
  const client = createClient<paths>({ baseUrl });
  client.use({
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

/** The answer's body, or an ApiError carrying the API's own message. */
export async function must<D>(call: Promise<{ data?: D; error?: unknown; response: Response }>): Promise<D> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) {
    const body = (error ?? {}) as { error?: string; message?: string };
    throw new ApiError(response.status, body.error ?? String(response.status), body.message ?? response.statusText);
  }
  return data;
}

type ActionPath = Extract<keyof paths, `/tickets/{ticket_id}/actions/${string}`>;

/** One action on a ticket (accept, dispatch, sign_off...): the lifecycle on the server decides who may.
 * An action without input sends {}: the API refuses a JSON null body although its document allows one. */
export function act(api: Api, ticketId: string, action: string, body?: object): Promise<Ticket> {
  const path = `/tickets/{ticket_id}/actions/${action}` as "/tickets/{ticket_id}/actions/accept";
  return must(
    api.POST(path satisfies ActionPath, { params: { path: { ticket_id: ticketId } }, body: (body ?? {}) as never }),
  );
}

/** Every page of a ticket listing, up to a bound the console can show. */
export async function allTickets(
  api: Api,
  query: NonNullable<paths["/tickets"]["get"]["parameters"]["query"]> = {},
  pages = 10,
): Promise<Ticket[]> {
  const tickets: Ticket[] = [];
  let cursor: string | null | undefined = undefined;
  for (let page = 0; page < pages; page++) {
    const answer: Schemas["TicketPage"] = await must(
      api.GET("/tickets", { params: { query: { ...query, limit: 100, cursor } } }),
    );
    tickets.push(...answer.items);
    cursor = answer.cursor;
    if (!cursor) break;
  }
  return tickets;
}

export type Purpose = "resident" | "before" | "after" | "signature";
const UPLOADABLE = ["image/jpeg", "image/png", "image/heic", "image/webp"] as const;

/** A photo or signature: the API records it on the ticket and hands out a presigned URL the file goes to. */
export async function upload(api: Api, ticketId: string, purpose: Purpose, file: Blob): Promise<string> {
  const type = UPLOADABLE.find((t) => t === file.type);
  if (!type) throw new ApiError(415, "unsupported_media_type", `${file.type || "this file"}: JPEG, PNG, HEIC or WebP`);
  const slot = await must(
    api.POST("/tickets/{ticket_id}/attachments", {
      params: { path: { ticket_id: ticketId } },
      body: { purpose, content_type: type },
    }),
  );
  const put = await fetch(slot.upload_url, { method: "PUT", headers: { "content-type": type }, body: file });
  await put.arrayBuffer(); // read to the end: an unread answer is reported as an aborted request
  if (!put.ok) throw new ApiError(put.status, "upload_failed", `upload failed (${put.status})`);
  return slot.key;
}

export function idempotencyKey(): string {
  return crypto.randomUUID();
}
