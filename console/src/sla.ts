import type { SlaTarget, Ticket } from "./api";

export type Standing = "met" | "breached" | "at_risk" | "running";

// A target is "at risk" when less than a fifth of its window (and at most an hour) is left.
const AT_RISK_SHARE = 0.2;
const AT_RISK_MAX_MS = 3_600_000;

/** Where one timer stands now: met, breached, at risk of breaching, or running with time to spare. */
export function standing(target: SlaTarget, now: number): Standing {
  const due = Date.parse(target.due_at);
  if (target.breached) return "breached";
  if (target.met_at) return "met";
  if (due < now) return "breached";
  const window = due - Date.parse(target.started_at);
  return due - now < Math.min(AT_RISK_MAX_MS, window * AT_RISK_SHARE) ? "at_risk" : "running";
}

/** The ticket's worst standing among its running timers, and the nearest due of those not yet met. */
export function ticketStanding(ticket: Ticket, now: number): { worst: Standing; nextDue: string | null } {
  let worst: Standing = "running";
  let nextDue: string | null = null;
  for (const target of Object.values(ticket.sla)) {
    const s = standing(target, now);
    if (s === "breached" && !target.met_at) worst = "breached";
    else if (s === "at_risk" && worst !== "breached") worst = "at_risk";
    if (!target.met_at && (nextDue === null || target.due_at < nextDue)) nextDue = target.due_at;
  }
  return { worst, nextDue };
}

export const FINAL = new Set(["closed", "invalid", "voided"]);
